package dev.turnstile.api;

/**
 * A peer sent more bytes than one message may have without finishing the message. The
 * connection is answered (see {@link MessageHandler#onProtocolError}) and closed; the server
 * carries on.
 */
public final class MessageTooLongException extends ProtocolException {

    private static final long serialVersionUID = 1L;

    private final int maxMessageBytes;

    public MessageTooLongException(int maxMessageBytes) {
        this(maxMessageBytes, "message too long: more than " + maxMessageBytes + " bytes without a newline");
    }

    /** For framers whose messages do not end in a newline: {@code message} says what was too long. */
    public MessageTooLongException(int maxMessageBytes, String message) {
        super(message);
        this.maxMessageBytes = maxMessageBytes;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }
}
