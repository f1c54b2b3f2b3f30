/**
 * {@code chat}: one room per server, spoken over lines. A guide to the connection API: the server
 * speaks first ({@link dev.turnstile.api.MessageHandler#onOpen}), every member's line is pushed to
 * the others through a {@link dev.turnstile.api.ConnectionGroup}, and a member who stops reading
 * is closed as a slow consumer by the server's {@code maxPendingBytes} while the others go on.
 *
 * <pre>
 *   server: welcome guest-3          client: /nick ada      server: you are ada
 *   client: hello all                (others: ada: hello all)
 *   client: /who                     server: members: ada, guest-1, guest-2
 *   client: /quit                    server: bye            (others: * ada left)
 * </pre>
 *
 * {@link dev.turnstile.examples.chat.Chat} is the service, {@code Room} the shared state (names
 * and members), {@code Member} one connection's side of the protocol.
 */
package dev.turnstile.examples.chat;
