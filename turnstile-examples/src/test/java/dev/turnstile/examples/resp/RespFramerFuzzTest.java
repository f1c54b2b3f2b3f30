package dev.turnstile.examples.resp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.turnstile.core.framing.FramerFuzzChecks;
import dev.turnstile.core.framing.FramerFuzzInput;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

/**
 * Fuzzes {@link RespFramer} through a driver's read loop
 * ({@link dev.turnstile.core.framing.BoundedReadLoop}): any bytes, cut into reads where the fuzzer
 * says, give no exception but a protocol error, no command over the maximum, no read buffer past
 * the maximum plus two, and no endless loop; RESP arrays and inline commands do not depend on read
 * boundaries, so one byte per read gives the same commands. Plain {@code mvn test} replays the
 * committed corpus ({@code RespFramerFuzzTestInputs/}); {@code JAZZER_FUZZ=1} fuzzes (see the
 * README, Tests). The class timeout bounds the whole fuzzing run (2 minutes) and is also Jazzer's
 * limit per input.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RespFramerFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void decodesAnyBytesWithinBounds(byte[] data) {
        FramerFuzzInput input = FramerFuzzInput.parse(data);
        FramerFuzzChecks.assertSplitInvariant(max -> new RespFramer(max), input);
    }
}
