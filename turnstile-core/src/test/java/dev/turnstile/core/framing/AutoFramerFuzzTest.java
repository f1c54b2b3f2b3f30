package dev.turnstile.core.framing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link AutoFramer} through a driver's read loop ({@link BoundedReadLoop}): any bytes, cut into
 * reads where the fuzzer says, give no exception but a protocol error, no message over the
 * maximum, no read buffer past the maximum plus two, and no endless loop.
 * Raw until the first newline, lines after it: the messages depend on the reads, so only the
 * bounds are checked, and that input without a newline comes back whole, as raw framing gives it.
 * Plain {@code mvn test} replays the committed corpus ({@code AutoFramerFuzzTestInputs/}); {@code JAZZER_FUZZ=1}
 * fuzzes (see the README, Tests). The class timeout bounds the whole fuzzing run (2 minutes) and is
 * also Jazzer's limit per input.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AutoFramerFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void decodesAnyBytesWithinBounds(byte[] data) {
        FramerFuzzInput input = FramerFuzzInput.parse(data);
        BoundedReadLoop.Outcome outcome = BoundedReadLoop.run(AutoFramer::new, input.maxMessageBytes(), input.stream(), input.readSizes());
        if (indexOf(input.stream(), (byte) '\n') < 0) {
            assertThat(outcome.error()).isNull();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            outcome.messages().forEach(all::writeBytes);
            assertThat(all.toByteArray()).isEqualTo(input.stream());
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
