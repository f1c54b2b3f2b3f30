package dev.turnstile.api;

/** The peer sent bytes the framer cannot read as a frame, such as a bad length prefix. */
public final class MalformedFrameException extends ProtocolException {

    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }
}
