package dev.turnstile.core.framing;

import dev.turnstile.api.Framer;
import dev.turnstile.api.FramerFactory;
import dev.turnstile.api.MalformedFrameException;
import dev.turnstile.api.MessageTooLongException;
import dev.turnstile.api.Outbound;
import dev.turnstile.api.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The delimiter and length-prefixed framers: what one framer encodes, a fresh one decodes back to
 * the same messages however the bytes are split into reads; over-long and malformed input is
 * refused with the protocol's own exception.
 */
@Timeout(30)
class BuiltInFramersTest {

    private static final int MAX = 300;

    @Test
    void delimiterAndLengthPrefixedFramesSurviveAnySplitIntoReads() throws ProtocolException {
        List<FramerFactory> factories = List.of(Framers.delimiter(new byte[] {0}),
                Framers.delimiter("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                Framers.lengthPrefixed(1), Framers.lengthPrefixed(2), Framers.lengthPrefixed(4));
        Random random = new Random(42);
        for (FramerFactory factory : factories) {
            for (int round = 0; round < 200; round++) {
                List<String> messages = new ArrayList<>();
                for (int i = 0, n = 1 + random.nextInt(20); i < n; i++) {
                    messages.add(randomText(random, random.nextInt(250)));
                }
                byte[] stream = encode(factory.newFramer(MAX), messages);
                assertThat(decodeInRandomReads(factory.newFramer(MAX), stream, random))
                        .as("round %d of %s", round, factory.newFramer(MAX).getClass().getSimpleName())
                        .isEqualTo(messages);
            }
        }
    }

    /** Letters only, so that no message holds a delimiter. */
    private static String randomText(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    private static byte[] encode(Framer framer, List<String> messages) {
        Collected out = new Collected();
        for (String m : messages) {
            framer.encode(ByteBuffer.wrap(m.getBytes(StandardCharsets.UTF_8)), out);
        }
        return out.bytes.toByteArray();
    }

    /** Feeds {@code stream} in random pieces, keeping the unconsumed rest as a driver does. */
    private static List<String> decodeInRandomReads(Framer framer, byte[] stream, Random random) throws ProtocolException {
        List<String> got = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(stream.length + 1);
        int fed = 0;
        while (fed < stream.length) {
            int piece = Math.min(stream.length - fed, 1 + random.nextInt(40));
            buffer.put(stream, fed, piece);
            fed += piece;
            buffer.flip();
            framer.decode(buffer, false, m -> got.add(StandardCharsets.UTF_8.decode(m).toString()));
            buffer.compact();
        }
        buffer.flip();
        framer.decode(buffer, true, m -> got.add(StandardCharsets.UTF_8.decode(m).toString()));
        return got;
    }

    @Test
    void aDelimiterSplitAcrossReadsIsFoundAndAnUnterminatedLastMessageIsDelivered() throws ProtocolException {
        Framer framer = Framers.delimiter("||".getBytes(StandardCharsets.US_ASCII)).newFramer(MAX);
        List<String> got = new ArrayList<>();
        ByteBuffer in = ByteBuffer.allocate(64);
        in.put("one|".getBytes(StandardCharsets.US_ASCII)).flip();
        framer.decode(in, false, m -> got.add(StandardCharsets.US_ASCII.decode(m).toString()));
        in.compact().put("|two".getBytes(StandardCharsets.US_ASCII)).flip();
        framer.decode(in, false, m -> got.add(StandardCharsets.US_ASCII.decode(m).toString()));
        assertThat(got).containsExactly("one");
        framer.decode(in, true, m -> got.add(StandardCharsets.US_ASCII.decode(m).toString()));
        assertThat(got).containsExactly("one", "two");
    }

    @Test
    void refusesOverlongAndMalformedInput() {
        ByteBuffer endless = ByteBuffer.wrap(new byte[MAX + 8]);
        assertThatThrownBy(() -> Framers.delimiter(new byte[] {'\n'}).newFramer(MAX).decode(endless, false, m -> { }))
                .isInstanceOf(MessageTooLongException.class).hasMessageContaining("without a delimiter");
        ByteBuffer bigFrame = ByteBuffer.allocate(2).putShort(0, (short) (MAX + 1));
        assertThatThrownBy(() -> Framers.lengthPrefixed(2).newFramer(MAX).decode(bigFrame, false, m -> { }))
                .isInstanceOf(MessageTooLongException.class).hasMessageContaining("frame of 301 bytes");
        ByteBuffer negative = ByteBuffer.allocate(4).putInt(0, -1);
        assertThatThrownBy(() -> Framers.lengthPrefixed(4).newFramer(MAX).decode(negative, false, m -> { }))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("top bit");
        ByteBuffer cut = ByteBuffer.wrap(new byte[] {5, 'a', 'b'});
        assertThatThrownBy(() -> Framers.lengthPrefixed(1).newFramer(MAX).decode(cut, true, m -> { }))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("ended inside a frame");
        assertThatThrownBy(() -> Framers.lengthPrefixed(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefixBytes must be 1, 2 or 4");
        assertThatThrownBy(() -> Framers.delimiter(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aOneBytePrefixCapsTheLongestMessageAt255() {
        assertThat(Framers.lengthPrefixed(1).newFramer(64 * 1024).maxMessageBytes()).isEqualTo(255);
    }

    @Test
    void aWholeFrameFitsTheMaximumPlusTheTwoBytesADriverBuffers() {
        assertThat(Framers.lengthPrefixed(2).newFramer(MAX).maxMessageBytes()).isEqualTo(MAX);
        assertThat(Framers.lengthPrefixed(4).newFramer(MAX).maxMessageBytes()).isEqualTo(MAX - 2);
        assertThat(Framers.delimiter(new byte[] {'\r', '\n'}).newFramer(MAX).maxMessageBytes()).isEqualTo(MAX);
        assertThat(Framers.delimiter("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).newFramer(MAX).maxMessageBytes())
                .isEqualTo(MAX - 2);
        assertThatThrownBy(() -> Framers.lengthPrefixed(4).newFramer(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit maxMessageBytes + 2");
    }

    private static final class Collected implements Outbound {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void put(ByteBuffer b) {
            while (b.hasRemaining()) {
                bytes.write(b.get());
            }
        }

        @Override
        public void put(byte b) {
            bytes.write(b);
        }

        @Override
        public int pending() {
            return bytes.size();
        }
    }
}
