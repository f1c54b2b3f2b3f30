/**
 * {@code resp}: a key-value store speaking the Redis protocol, written against the public API as
 * a user would, one concept per class. Read in this order:
 * <ul>
 *   <li>{@link dev.turnstile.examples.resp.RespService}: the service, one {@code Store} per server;</li>
 *   <li>{@code RespFramer}: cuts RESP arrays and inline commands out of the byte stream;</li>
 *   <li>{@code RespHandler}: one connection, from request to reply, with Redis' errors;</li>
 *   <li>{@code Arguments}, {@code ReplyWriter}: reading words in place, writing RESP replies;</li>
 *   <li>{@code CommandTable}, {@code Command} and the command groups ({@code StringCommands},
 *       {@code ListCommands}, {@code KeyCommands}, {@code ServerCommands});</li>
 *   <li>{@code Store}, {@code Entry}, {@code Key}, {@code ExpiryQueue}: the shared keyspace.</li>
 * </ul>
 */
package dev.turnstile.examples.resp;
