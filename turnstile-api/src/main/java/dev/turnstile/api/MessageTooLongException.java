package dev.turnstile.api;

/**
 * A peer sent more bytes than one message may have without finishing the message. The
 * connection is answered with an error and closed; the server carries on.
 */
public final class MessageTooLongException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int maxMessageBytes;

    public MessageTooLongException(int maxMessageBytes) {
        super("message too long: more than " + maxMessageBytes + " bytes without a newline");
        this.maxMessageBytes = maxMessageBytes;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }
}
