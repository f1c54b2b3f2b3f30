package dev.turnstile.core.framing;

import dev.turnstile.api.Framer;
import dev.turnstile.api.MalformedFrameException;
import dev.turnstile.api.MessageTooLongException;
import dev.turnstile.api.Outbound;
import dev.turnstile.api.ProtocolException;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A message per frame of a big-endian unsigned length of 1, 2 or 4 bytes followed by that many
 * bytes (Netty's {@code LengthFieldBasedFrameDecoder} in its plain form); replies are framed the
 * same way. A length over the maximum is refused as soon as the prefix arrives, before any body
 * is buffered; a 4-byte length with its top bit set is malformed. Input that ends inside a frame
 * is malformed too: a frame is never delivered short.
 *
 * <p>A frame, prefix included, must fit the {@code maxMessageBytes + 2} bytes a driver buffers
 * (see {@link Framer#maxMessageBytes}), so with a 4-byte prefix the longest body is
 * {@code maxMessageBytes - 2}, and that is what {@link #maxMessageBytes()} reports.
 *
 * <p>Not thread-safe: one connection's. Holds no state between reads: the prefix is read again
 * until the whole frame is there.
 */
public final class LengthPrefixedFramer implements Framer {

    private final int prefixBytes;
    private final int maxMessageBytes;

    /**
     * @param prefixBytes     1, 2 or 4
     * @param maxMessageBytes the longest body; also capped by what the prefix can say, and by
     *                        {@code maxMessageBytes + 2 - prefixBytes} so that a whole frame fits what a driver buffers
     * @throws IllegalArgumentException if {@code prefixBytes} is not 1, 2 or 4, or a prefix does not fit
     */
    public LengthPrefixedFramer(int prefixBytes, int maxMessageBytes) {
        if (prefixBytes != 1 && prefixBytes != 2 && prefixBytes != 4) {
            throw new IllegalArgumentException("prefixBytes must be 1, 2 or 4 (got " + prefixBytes + ")");
        }
        this.prefixBytes = prefixBytes;
        long largest = prefixBytes == 4 ? Integer.MAX_VALUE : (1L << (8 * prefixBytes)) - 1;
        long fits = (long) maxMessageBytes + 2 - prefixBytes;
        if (fits < 0) {
            throw new IllegalArgumentException("a " + prefixBytes + "-byte prefix does not fit maxMessageBytes + 2 (maxMessageBytes "
                    + maxMessageBytes + ")");
        }
        this.maxMessageBytes = (int) Math.min(largest, Math.min(maxMessageBytes, fits));
    }

    @Override
    public void decode(ByteBuffer in, boolean endOfInput, Consumer<ByteBuffer> sink) throws ProtocolException {
        final int limit = in.limit();
        int start = in.position();
        while (limit - start >= prefixBytes) {
            long length = switch (prefixBytes) {
                case 1 -> in.get(start) & 0xFFL;
                case 2 -> in.getShort(start) & 0xFFFFL;
                default -> in.getInt(start);
            };
            if (length < 0) {
                throw new MalformedFrameException("frame length " + (length & 0xFFFFFFFFL) + " has its top bit set");
            }
            if (length > maxMessageBytes) {
                throw new MessageTooLongException(maxMessageBytes,
                        "message too long: frame of " + length + " bytes, more than " + maxMessageBytes);
            }
            int bodyStart = start + prefixBytes;
            if (limit - bodyStart < length) {
                break;
            }
            int end = bodyStart + (int) length;
            LineFramer.deliver(in, bodyStart, end, limit, sink);
            start = end;
        }
        in.limit(limit).position(start);
        if (endOfInput && start < limit) {
            throw new MalformedFrameException("input ended inside a frame (" + (limit - start) + " bytes left)");
        }
    }

    @Override
    public void encode(ByteBuffer payload, Outbound out) {
        int n = payload.remaining();
        if (n > maxMessageBytes) {
            throw new IllegalArgumentException("reply of " + n + " bytes does not fit a " + prefixBytes
                    + "-byte length of at most " + maxMessageBytes);
        }
        for (int shift = 8 * (prefixBytes - 1); shift >= 0; shift -= 8) {
            out.put((byte) (n >>> shift));
        }
        out.put(payload);
    }

    @Override
    public int maxMessageBytes() {
        return maxMessageBytes;
    }
}
