package dev.turnstile.api;

import java.nio.ByteBuffer;

/**
 * Turns each request of one connection into zero or more replies. Created per connection by
 * {@link FramedService#newHandler}; called by one thread at a time, in the order the messages
 * arrived, so it may keep per-connection state without locking.
 *
 * <p>A handler must not block on I/O of its own: on an event loop that would stall every other
 * connection of the loop.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Handles one complete message.
     *
     * @param message the request without its framing (no newline): bytes from
     *                {@code position()} to {@code limit()}. The handler may read and modify these
     *                bytes in place, but the buffer is the connection's own and is valid only
     *                during this call: copy what must outlive it.
     * @param replies where replies go; each is framed and queued in order
     */
    void onMessage(ByteBuffer message, Replies replies);

    /** Called once when the connection is closed for any reason. */
    default void onClose() {
    }
}
