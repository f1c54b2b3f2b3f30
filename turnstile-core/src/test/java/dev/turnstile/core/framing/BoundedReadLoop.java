package dev.turnstile.core.framing;

import dev.turnstile.api.Framer;
import dev.turnstile.api.FramerFactory;
import dev.turnstile.api.ProtocolException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Feeds a byte stream to a {@link Framer} the way {@code BlockingDriver} does, with no socket: a
 * read buffer that starts small and doubles up to the server's {@code maxMessageBytes + 2}, one read at a time
 * (each read as long as the next read size, cut to the room left), a {@code decode} after every
 * read, {@code compact} after every decode, and a last {@code decode} with {@code endOfInput} when
 * the stream ends. Used by the fuzz tests and the split properties.
 *
 * <p>Checks the {@link Framer} contract on every call and fails with an {@link AssertionError}
 * when it is broken: no exception but a {@link ProtocolException}; every message at most the
 * framer's {@link Framer#maxMessageBytes()} and a view inside what was read; {@code position} moves only forward,
 * {@code limit} is restored; a full buffer is never left full (the driver would fail in
 * {@code grow}: the framer must refuse the message first), so the loop always ends; the bytes
 * consumed plus those left equal the bytes read.
 *
 * <p>Not thread-safe; each {@link #run} is independent.
 */
public final class BoundedReadLoop {

    public static final int INITIAL_READ_BUFFER = 16; // small, so that tests see the buffer grow

    private BoundedReadLoop() {
    }

    /** What a run produced: the messages (copies), and the protocol error that ended it, if any. */
    public record Outcome(List<byte[]> messages, ProtocolException error, int bytesLeft) {

        /** The messages as strings of ISO-8859-1 characters, one per byte, for readable assertions. */
        public List<String> texts() {
            return messages.stream().map(m -> new String(m, java.nio.charset.StandardCharsets.ISO_8859_1)).toList();
        }
    }

    /**
     * Runs {@code input} through a new framer of {@code framers} for a server whose maximum message is
     * {@code maxMessageBytes}, read by read; {@code readSizes} (each at least 1) are used in turn,
     * cycling, and an empty list means one byte per read.
     */
    public static Outcome run(FramerFactory framers, int maxMessageBytes, byte[] input, List<Integer> readSizes) {
        Framer framer = framers.newFramer(maxMessageBytes);
        int max = framer.maxMessageBytes();
        if (max > maxMessageBytes) {
            throw new AssertionError("framer allows " + max + " bytes, more than the server's " + maxMessageBytes);
        }
        long maxBuffer = (long) maxMessageBytes + 2;
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(INITIAL_READ_BUFFER, maxBuffer));
        List<byte[]> messages = new ArrayList<>();
        int offset = 0;
        int read = 0;
        long consumed = 0;
        while (true) {
            if (!buffer.hasRemaining()) {
                if (buffer.capacity() >= maxBuffer) {
                    throw new AssertionError("read buffer full at " + buffer.capacity()
                            + " bytes (max message " + max + "): the framer should have refused the message");
                }
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(maxBuffer, buffer.capacity() * 2L));
                buffer.flip();
                buffer = bigger.put(buffer);
            }
            boolean endOfInput = offset == input.length;
            if (!endOfInput) {
                int size = readSizes.isEmpty() ? 1 : readSizes.get(read++ % readSizes.size());
                if (size < 1) {
                    throw new IllegalArgumentException("read size must be >= 1 (got " + size + ")");
                }
                int n = Math.min(size, Math.min(buffer.remaining(), input.length - offset));
                buffer.put(input, offset, n);
                offset += n;
            }
            buffer.flip();
            ByteBuffer in = buffer;
            int before = buffer.position();
            int limit = buffer.limit();
            int[] lastEnd = {before};
            try {
                framer.decode(in, endOfInput, message -> {
                    int start = message.position();
                    int end = message.limit();
                    if (start < lastEnd[0] || end > limit) {
                        throw new AssertionError("message [" + start + ", " + end + ") outside the unconsumed bytes ["
                                + lastEnd[0] + ", " + limit + ")");
                    }
                    if (message.remaining() > max) {
                        throw new AssertionError("message of " + message.remaining() + " bytes, more than " + max);
                    }
                    byte[] copy = new byte[message.remaining()];
                    message.duplicate().get(copy);
                    messages.add(copy);
                    lastEnd[0] = end;
                });
            } catch (ProtocolException e) {
                return new Outcome(messages, e, input.length - offset + buffer.remaining());
            } catch (RuntimeException e) {
                throw new AssertionError("decode threw " + e + " on input " + Arrays.toString(input), e);
            }
            if (buffer.limit() != limit) {
                throw new AssertionError("decode left limit at " + buffer.limit() + ", not " + limit);
            }
            if (buffer.position() < before) {
                throw new AssertionError("decode moved position back from " + before + " to " + buffer.position());
            }
            consumed += buffer.position() - before;
            buffer.compact();
            if (endOfInput) {
                int left = buffer.position();
                if (consumed + left != input.length) {
                    throw new AssertionError("consumed " + consumed + " + left " + left + " != " + input.length + " bytes read");
                }
                return new Outcome(messages, null, left);
            }
        }
    }
}
