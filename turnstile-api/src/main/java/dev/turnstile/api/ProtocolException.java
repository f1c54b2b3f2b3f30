package dev.turnstile.api;

/**
 * The peer's bytes break the protocol: a message over the maximum length or a frame the framer
 * cannot read. Thrown by a {@link Framer}; the connection cannot continue. The handler's
 * {@link MessageHandler#onProtocolError} decides what the peer is told, then the connection
 * closes with {@link CloseReason#PROTOCOL_ERROR}.
 */
public class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
