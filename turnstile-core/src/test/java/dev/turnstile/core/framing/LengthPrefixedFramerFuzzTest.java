package dev.turnstile.core.framing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fuzzes {@link LengthPrefixedFramer} through a driver's read loop ({@link BoundedReadLoop}): any bytes, cut into
 * reads where the fuzzer says, give no exception but a protocol error, no message over the
 * maximum, no read buffer past the maximum plus two, and no endless loop.
 * Frames do not depend on read boundaries; the prefix has 1, 2 or 4 bytes, picked by the variant
 * byte.
 * Plain {@code mvn test} replays the committed corpus ({@code LengthPrefixedFramerFuzzTestInputs/}); {@code JAZZER_FUZZ=1}
 * fuzzes (see the README, Tests). The class timeout bounds the whole fuzzing run (2 minutes) and is
 * also Jazzer's limit per input.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LengthPrefixedFramerFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void decodesAnyBytesWithinBounds(byte[] data) {
        FramerFuzzInput input = FramerFuzzInput.parse(data);
        int prefixBytes = new int[] {1, 2, 4}[input.variant() % 3];
        if (input.maxMessageBytes() + 2 < prefixBytes) {
            assertThatThrownBy(() -> new LengthPrefixedFramer(prefixBytes, input.maxMessageBytes()))
                    .isInstanceOf(IllegalArgumentException.class); // no frame fits what a driver buffers
            return;
        }
        FramerFuzzChecks.assertSplitInvariant(max -> new LengthPrefixedFramer(prefixBytes, max), input);
    }
}
