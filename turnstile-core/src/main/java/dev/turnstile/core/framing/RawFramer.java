package dev.turnstile.core.framing;

import dev.turnstile.api.Framer;
import dev.turnstile.api.Outbound;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A message per read, as the notes' {@code recv(1000)}: whatever one read brought is one
 * request, and a reply goes back with no newline added. An empty reply sends nothing, like
 * {@code send(b'')}.
 *
 * <p>A UTF-8 character cut by the read boundary is held back until its remaining bytes arrive,
 * so a multi-byte character is never split into two replies (unless input ends first, or the
 * maximum message is shorter than the character: bytes are never held past the maximum).
 */
public final class RawFramer implements Framer {

    private final int maxMessageBytes;

    public RawFramer(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void decode(ByteBuffer in, boolean endOfInput, Consumer<ByteBuffer> sink) {
        int start = in.position();
        int limit = in.limit();
        while (limit - start > 0) {
            int end = Math.min(limit, start + maxMessageBytes);
            if (!endOfInput) {
                int whole = completeUtf8End(in, start, end);
                if (whole > start || end - start < maxMessageBytes) {
                    end = whole;
                } // else a maximum's worth of bytes holds no whole character: pass them on as they are
            }
            if (end == start) {
                break;
            }
            LineFramer.deliver(in, start, end, limit, sink);
            start = end;
        }
        in.limit(limit).position(start);
    }

    /** The end of the last complete UTF-8 character in [start, end): end itself, or up to 3 bytes before it. */
    static int completeUtf8End(ByteBuffer in, int start, int end) {
        int lead = end - 1;
        int continuation = 0;
        while (lead >= start && continuation < 3 && (in.get(lead) & 0xC0) == 0x80) {
            lead--;
            continuation++;
        }
        if (lead < start) {
            return end; // only continuation bytes: malformed, pass through as they are
        }
        int b = in.get(lead) & 0xFF;
        int needed = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
        if (b < 0x80 || needed == 0) {
            return end;
        }
        return continuation < needed ? lead : end;
    }

    @Override
    public void encode(ByteBuffer payload, Outbound out) {
        if (payload.hasRemaining()) {
            out.put(payload);
        }
    }

    @Override
    public int maxMessageBytes() {
        return maxMessageBytes;
    }
}
