package dev.turnstile.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The reply side of one connection, handed to {@link MessageHandler#onMessage}. Replies are
 * framed by the connection's framer (a newline for line framing) and sent in the order given.
 * Valid only during the call it was passed to.
 */
public interface Replies {

    /** Queues one reply: the bytes from {@code position()} to {@code limit()}, copied at once. */
    void send(ByteBuffer payload);

    /** Queues one reply given as text, encoded as UTF-8. */
    default void send(CharSequence text) {
        send(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Closes the connection once every reply queued so far has been written. */
    void closeAfterReplies();
}
