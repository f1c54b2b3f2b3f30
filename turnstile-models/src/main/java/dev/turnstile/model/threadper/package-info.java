/**
 * Thread per connection, the notes' first model: {@code accept(); Thread(target=service).start()}.
 *
 * <ul>
 * <li><b>Who accepts:</b> one acceptor thread, {@code turnstile-acceptor-PORT}.</li>
 * <li><b>Who runs a connection:</b> a new platform thread per connection, {@code turnstile-conn-N}.</li>
 * <li><b>What bounds concurrency:</b> nothing by default (every thread shares the process's
 *     descriptors, memory and stack limits, as the notes warn); {@code --max-connections N} makes
 *     the acceptor wait, leaving the excess in the listen backlog.</li>
 * <li><b>Shutdown:</b> the listener closes; connection threads drain, then are forced.</li>
 * </ul>
 */
package dev.turnstile.model.threadper;
