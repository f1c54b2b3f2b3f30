package dev.turnstile.core.proxy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.turnstile.api.ProxyProtocol.Mode;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link ProxyHeaderParser} the way a connection feeds it: the first byte picks the mode,
 * the next two the sizes of the reads (1 to 128 bytes, cycling), the rest is the stream. Any bytes
 * give either a header or a {@link MalformedProxyHeaderException}, never another exception; the
 * parser never consumes more than its bound (107 bytes for v1, {@link ProxyHeaderParser#MAX_V2_BYTES}
 * for v2) nor past the header's end; and the reads give the same outcome as the whole stream in
 * one buffer. Plain {@code mvn test} replays the committed corpus ({@code ProxyHeaderParserFuzzTestInputs/});
 * {@code JAZZER_FUZZ=1} fuzzes (README, Tests).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProxyHeaderParserFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void parsesAnyBytesWithinBounds(byte[] data) {
        if (data.length < 3) {
            return;
        }
        Mode mode = switch ((data[0] & 0xff) % 3) {
            case 0 -> Mode.V1;
            case 1 -> Mode.V2;
            default -> Mode.ANY;
        };
        int[] reads = {1 + (data[1] & 0x7f), 1 + (data[2] & 0x7f)};
        byte[] stream = Arrays.copyOfRange(data, 3, data.length);

        Object whole = outcome(mode, stream, new int[] {Math.max(1, stream.length)});
        Object split = outcome(mode, stream, reads);
        assertThat(split).isEqualTo(whole);
    }

    /** The header, or the class of the refusal (messages may differ by where a read ended). */
    private static Object outcome(Mode mode, byte[] stream, int[] reads) {
        ProxyHeaderParser parser = new ProxyHeaderParser(mode);
        int offset = 0;
        int read = 0;
        try {
            while (offset < stream.length) {
                int wanted = parser.wanted();
                assertThat(wanted).isPositive();
                int n = Math.min(reads[read++ % reads.length], stream.length - offset);
                ByteBuffer in = ByteBuffer.wrap(stream, offset, n);
                ProxyHeader header = parser.parse(in);
                int took = in.position() - offset;
                assertThat(took).isBetween(0, n);
                offset += took;
                assertThat(parser.consumed()).isEqualTo(offset).isLessThanOrEqualTo(ProxyHeaderParser.MAX_V2_BYTES);
                if (header != null) {
                    assertThat(header.length()).isEqualTo(offset);
                    assertThat(parser.wanted()).isZero();
                    if (header.version() == 1) {
                        assertThat(header.length()).isLessThanOrEqualTo(ProxyHeaderParser.MAX_V1_BYTES);
                    }
                    return header;
                }
                assertThat(took).isEqualTo(n); // unfinished: every byte given was the header's
            }
            return "unfinished after " + offset;
        } catch (MalformedProxyHeaderException e) {
            return MalformedProxyHeaderException.class;
        }
    }
}
