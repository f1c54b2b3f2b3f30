package dev.turnstile.core.framing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fuzzes {@link DelimiterFramer} through a driver's read loop ({@link BoundedReadLoop}): any bytes, cut into
 * reads where the fuzzer says, give no exception but a protocol error, no message over the
 * maximum, no read buffer past the maximum plus two, and no endless loop.
 * Messages do not depend on read boundaries; the delimiter is one of NUL, LF, CRLF, CRLFCRLF and
 * the self-overlapping {@code aab}, picked by the variant byte.
 * Plain {@code mvn test} replays the committed corpus ({@code DelimiterFramerFuzzTestInputs/}); {@code JAZZER_FUZZ=1}
 * fuzzes (see the README, Tests). The class timeout bounds the whole fuzzing run (2 minutes) and is
 * also Jazzer's limit per input.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DelimiterFramerFuzzTest {

    private static final List<String> DELIMITERS = List.of("\0", "\n", "\r\n", "\r\n\r\n", "aab");

    @FuzzTest(maxDuration = "2m")
    void decodesAnyBytesWithinBounds(byte[] data) {
        FramerFuzzInput input = FramerFuzzInput.parse(data);
        byte[] delimiter = DELIMITERS.get(input.variant() % DELIMITERS.size()).getBytes(StandardCharsets.ISO_8859_1);
        if (input.maxMessageBytes() + 2 < delimiter.length) {
            assertThatThrownBy(() -> new DelimiterFramer(delimiter, input.maxMessageBytes()))
                    .isInstanceOf(IllegalArgumentException.class); // no frame fits what a driver buffers
            return;
        }
        FramerFuzzChecks.assertSplitInvariant(max -> new DelimiterFramer(delimiter, max), input);
    }
}
