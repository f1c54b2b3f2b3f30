package dev.turnstile.api;

import java.nio.ByteBuffer;

/**
 * One connection's side of a {@link FramedService}: hears that the connection opened, turns each
 * request into zero or more replies, decides what a peer that breaks the protocol is told, and
 * hears why the connection closed. Created per connection by {@link FramedService#newHandler};
 * its methods are called by one thread at a time, in order, never concurrently (tasks given to
 * {@link Connection#execute} too), so it may keep per-connection state without locking.
 *
 * <p>A handler must not block on I/O of its own: on an event loop that would stall every other
 * connection of the loop. To answer later, keep the {@link Connection} from {@link #onOpen} and
 * send from any thread.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * The connection is open, before any message: greet the peer here (SMTP's {@code 220}), or
     * keep {@code connection} to send to it later from any thread, or add it to a
     * {@link ConnectionGroup}.
     */
    default void onOpen(Connection connection) {
    }

    /**
     * Handles one complete message.
     *
     * @param message the request without its framing (no newline): bytes from
     *                {@code position()} to {@code limit()}. The handler may read and modify these
     *                bytes in place, but the buffer is the connection's own and is valid only
     *                during this call: copy what must outlive it.
     * @param replies where replies go; each is framed and queued in order. Valid during this
     *                call; the {@link Connection} from {@link #onOpen} is the same connection's
     *                handle for any thread, any time.
     */
    void onMessage(ByteBuffer message, Replies replies);

    /**
     * The peer broke the protocol ({@link MessageTooLongException}, {@link MalformedFrameException}):
     * say so to the peer if the protocol has a way. The connection closes with
     * {@link CloseReason#PROTOCOL_ERROR} once the replies given here are written. The default
     * answers {@code ERROR } and the exception's message, as a line protocol would.
     */
    default void onProtocolError(ProtocolException error, Replies replies) {
        replies.send("ERROR " + error.getMessage());
    }

    /** Called once when the connection has closed, for any reason, with that reason. */
    default void onClose(CloseReason reason) {
    }
}
