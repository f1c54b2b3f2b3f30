package dev.turnstile.api;

/**
 * A message-level service: the model's framer cuts the byte stream into messages, and the
 * handler this service creates for each connection turns each message into zero or more replies.
 * Nothing here blocks or assumes a thread, so event loops run it as they are.
 */
public non-sealed interface FramedService extends Service {

    /**
     * Creates the handler for one new connection. Called once per connection, on the thread that
     * will drive it; the handler is then used by one thread at a time and never concurrently.
     */
    MessageHandler newHandler(ConnectionInfo connection);
}
