package dev.turnstile.core.framing;

import dev.turnstile.api.Framer;
import dev.turnstile.api.ProtocolException;
import dev.turnstile.api.Outbound;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Raw until the first newline arrives, lines from then on, for the rest of the connection. The
 * notes' client sends bare words and waits for each reply, so it is answered raw; {@code nc}
 * sends lines and is answered with lines. See {@link dev.turnstile.api.Framing#AUTO}.
 */
public final class AutoFramer implements Framer {

    private final LineFramer lines;
    private final RawFramer raw;
    private Framer current; // raw until a newline is seen, then lines for good

    public AutoFramer(int maxMessageBytes) {
        this.lines = new LineFramer(maxMessageBytes);
        this.raw = new RawFramer(maxMessageBytes);
        this.current = raw;
    }

    @Override
    public void decode(ByteBuffer in, boolean endOfInput, Consumer<ByteBuffer> sink) throws ProtocolException {
        if (current == raw && containsNewline(in)) {
            current = lines;
        }
        current.decode(in, endOfInput, sink);
    }

    private static boolean containsNewline(ByteBuffer in) {
        for (int i = in.position(), limit = in.limit(); i < limit; i++) {
            if (in.get(i) == '\n') {
                return true;
            }
        }
        return false;
    }

    @Override
    public void encode(ByteBuffer payload, Outbound out) {
        current.encode(payload, out);
    }

    @Override
    public int maxMessageBytes() {
        return lines.maxMessageBytes();
    }

    /** True once the connection has switched to lines. */
    public boolean isLineMode() {
        return current == lines;
    }
}
