package dev.turnstile.api;

import java.util.Optional;

/**
 * A message-level service: a framer cuts the byte stream into messages, and the handler this
 * service creates for each connection turns each message into zero or more replies, and may
 * speak first, reply later or push through the connection's {@link Connection} handle.
 * Nothing here blocks or assumes a thread, so event loops run it as they are.
 */
public non-sealed interface FramedService extends Service {

    /**
     * Creates the handler for one new connection. Called once per connection, on the thread that
     * will drive it; the handler is then used by one thread at a time and never concurrently.
     */
    MessageHandler newHandler(ConnectionInfo connection);

    /**
     * How this service's protocol cuts bytes into messages. Empty (the default): the server's
     * framing ({@link ServerConfig#framing()}, {@code --framing}), as the echo service does. A
     * protocol with a framing of its own (Redis' RESP, length-prefixed frames) returns its
     * factory here, and the server's framing option does not apply to it. Asked once, at start.
     */
    default Optional<FramerFactory> framing() {
        return Optional.empty();
    }
}
