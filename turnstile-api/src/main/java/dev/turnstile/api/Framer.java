package dev.turnstile.api;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Cuts one connection's inbound bytes into messages and frames its replies. Stateful and
 * per connection; used by one thread at a time. A framer belongs to the protocol, so to the
 * service ({@link FramedService#framing()}); adding one never means changing the server.
 *
 * <p>The driver calls {@link #decode} once after every read, with all bytes not consumed so far.
 * Framers that depend on read boundaries (raw framing: one message per read) rely on that.
 */
public interface Framer {

    /**
     * Hands every complete message in {@code in} to {@code sink}, in order.
     *
     * @param in         bytes from {@code position()} to {@code limit()}; on return,
     *                   {@code position()} is at the first byte not yet consumed
     * @param endOfInput the peer has shut its output: bytes that remain form the last message
     * @param sink       receives each message as a view of {@code in}, valid only during the call
     * @throws ProtocolException if the bytes break the protocol: an unfinished message already
     *                           longer than allowed ({@link MessageTooLongException}) or a
     *                           malformed frame ({@link MalformedFrameException}); the connection
     *                           cannot continue
     */
    void decode(ByteBuffer in, boolean endOfInput, Consumer<ByteBuffer> sink) throws ProtocolException;

    /** Appends one framed reply carrying {@code payload} (position to limit) to {@code out}. */
    void encode(ByteBuffer payload, Outbound out);

    /** The most bytes one message may have; also the most an unfinished message may buffer. */
    int maxMessageBytes();
}
