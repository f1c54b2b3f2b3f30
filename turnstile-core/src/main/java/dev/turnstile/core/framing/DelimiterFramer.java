package dev.turnstile.core.framing;

import dev.turnstile.api.Framer;
import dev.turnstile.api.MessageTooLongException;
import dev.turnstile.api.Outbound;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A message per run of bytes ending in a delimiter, any non-empty byte sequence (a NUL, STOMP's
 * {@code \0}, {@code \r\n\r\n}); the delimiter is not part of the message, and each reply gets it
 * appended. At end of input, bytes without a delimiter form a last message.
 *
 * <p>A message and its delimiter must fit the {@code maxMessageBytes + 2} bytes a driver buffers
 * (see {@link Framer#maxMessageBytes}), so with a delimiter longer than two bytes the longest
 * message is {@code maxMessageBytes + 2 - delimiter.length}, and that is what
 * {@link #maxMessageBytes()} reports.
 *
 * <p>Like {@link LineFramer}, remembers how far an unfinished message has been scanned, so a long
 * message arriving in many reads is scanned once. Not thread-safe: one connection's.
 */
public final class DelimiterFramer implements Framer {

    private final byte[] delimiter;
    private final int maxMessageBytes;
    private int scanned; // bytes after in.position() known to hold no complete delimiter start

    /**
     * @param maxMessageBytes the server's maximum; messages get less if the delimiter is longer than 2 bytes
     * @throws IllegalArgumentException if the delimiter is empty, or does not fit {@code maxMessageBytes + 2}
     */
    public DelimiterFramer(byte[] delimiter, int maxMessageBytes) {
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("delimiter must not be empty");
        }
        long longest = (long) maxMessageBytes + 2 - Math.max(2, delimiter.length);
        if (longest < 0) {
            throw new IllegalArgumentException("a delimiter of " + delimiter.length
                    + " bytes does not fit maxMessageBytes + 2 (maxMessageBytes " + maxMessageBytes + ")");
        }
        this.delimiter = delimiter.clone();
        this.maxMessageBytes = (int) longest;
    }

    @Override
    public void decode(ByteBuffer in, boolean endOfInput, Consumer<ByteBuffer> sink) throws MessageTooLongException {
        final int limit = in.limit();
        final int d = delimiter.length;
        int start = in.position();
        int i = start + scanned;
        while (i + d <= limit) {
            if (matchesAt(in, i)) {
                if (i - start > maxMessageBytes) {
                    throw tooLong();
                }
                LineFramer.deliver(in, start, i, limit, sink);
                start = i + d;
                i = start;
            } else {
                i++;
            }
        }
        in.limit(limit).position(start);
        scanned = i - start; // the last d-1 bytes are scanned again: a delimiter may straddle reads
        if (limit - start > maxMessageBytes + d - 1) {
            throw tooLong();
        }
        if (endOfInput && limit - start > maxMessageBytes) {
            throw tooLong(); // the last message has no delimiter: what is left is all message
        }
        if (endOfInput && limit > start) {
            LineFramer.deliver(in, start, limit, limit, sink);
            in.limit(limit).position(limit);
            scanned = 0;
        }
    }

    private boolean matchesAt(ByteBuffer in, int at) {
        for (int k = 0; k < delimiter.length; k++) {
            if (in.get(at + k) != delimiter[k]) {
                return false;
            }
        }
        return true;
    }

    private MessageTooLongException tooLong() {
        return new MessageTooLongException(maxMessageBytes,
                "message too long: more than " + maxMessageBytes + " bytes without a delimiter");
    }

    @Override
    public void encode(ByteBuffer payload, Outbound out) {
        out.put(payload);
        out.put(ByteBuffer.wrap(delimiter));
    }

    @Override
    public int maxMessageBytes() {
        return maxMessageBytes;
    }
}
