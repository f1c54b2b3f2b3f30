package dev.turnstile.core.framing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

/**
 * Fuzzes {@link LineFramer} through a driver's read loop ({@link BoundedReadLoop}): any bytes, cut into
 * reads where the fuzzer says, give no exception but a protocol error, no message over the
 * maximum, no read buffer past the maximum plus two, and no endless loop.
 * Lines do not depend on read boundaries: one byte per read gives the same messages.
 * Plain {@code mvn test} replays the committed corpus ({@code LineFramerFuzzTestInputs/}); {@code JAZZER_FUZZ=1}
 * fuzzes (see the README, Tests). The class timeout bounds the whole fuzzing run (2 minutes) and is
 * also Jazzer's limit per input.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LineFramerFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void decodesAnyBytesWithinBounds(byte[] data) {
        FramerFuzzInput input = FramerFuzzInput.parse(data);
        FramerFuzzChecks.assertSplitInvariant(max -> new LineFramer(max), input);
    }
}
