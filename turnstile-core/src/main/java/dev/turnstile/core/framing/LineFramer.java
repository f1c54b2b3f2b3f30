package dev.turnstile.core.framing;

import dev.turnstile.api.Framer;
import dev.turnstile.api.MessageTooLongException;
import dev.turnstile.api.Outbound;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A message per line ending in {@code \n}; a {@code \r} before it is dropped too. At end of
 * input, unterminated bytes form a last message (what {@code printf hello | nc} sends). Replies
 * end in {@code \n}. An unfinished line may hold {@code maxMessageBytes} bytes and then a
 * {@code \r}, whose {@code \n} may come in the next read: at most {@code maxMessageBytes + 1}
 * bytes, within the {@code + 2} a driver buffers.
 *
 * <p>Remembers how far it has already scanned an unfinished line, so that a long line arriving
 * in many reads is scanned once, not once per read.
 */
public final class LineFramer implements Framer {

    private final int maxMessageBytes;
    private int scanned; // bytes after in.position() already known to hold no '\n'

    public LineFramer(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void decode(ByteBuffer in, boolean endOfInput, Consumer<ByteBuffer> sink) throws MessageTooLongException {
        final int limit = in.limit();
        int start = in.position();
        int i = start + scanned;
        while (i < limit) {
            if (in.get(i) == '\n') {
                int end = i > start && in.get(i - 1) == '\r' ? i - 1 : i;
                if (end - start > maxMessageBytes) {
                    throw new MessageTooLongException(maxMessageBytes);
                }
                deliver(in, start, end, limit, sink);
                start = i + 1;
            }
            i++;
        }
        in.limit(limit).position(start);
        scanned = limit - start;
        if (scanned > maxMessageBytes && !(scanned == maxMessageBytes + 1 && in.get(limit - 1) == '\r')) {
            throw new MessageTooLongException(maxMessageBytes);
        }
        if (endOfInput && scanned > maxMessageBytes) {
            throw new MessageTooLongException(maxMessageBytes); // no \n is coming: the \r is the message's
        }
        if (endOfInput && scanned > 0) {
            deliver(in, start, limit, limit, sink);
            in.limit(limit).position(limit);
            scanned = 0;
        }
    }

    /** Hands bytes [start, end) to the sink as a view of {@code in}, then restores the limit. */
    static void deliver(ByteBuffer in, int start, int end, int limit, Consumer<ByteBuffer> sink) {
        in.limit(end).position(start);
        sink.accept(in);
        in.limit(limit);
    }

    @Override
    public void encode(ByteBuffer payload, Outbound out) {
        out.put(payload);
        out.put((byte) '\n');
    }

    @Override
    public int maxMessageBytes() {
        return maxMessageBytes;
    }
}
