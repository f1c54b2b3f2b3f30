package dev.turnstile.core.framing;

import dev.turnstile.api.FramerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks the framer fuzz tests share, beyond those {@link BoundedReadLoop} makes on every call. */
public final class FramerFuzzChecks {

    private FramerFuzzChecks() {
    }

    /**
     * For framers whose messages do not depend on read boundaries: the fuzzer's reads and one byte
     * per read give the same messages, and both end in a protocol error or neither does.
     */
    public static BoundedReadLoop.Outcome assertSplitInvariant(FramerFactory framers, FramerFuzzInput input) {
        BoundedReadLoop.Outcome fuzzed = BoundedReadLoop.run(framers, input.maxMessageBytes(), input.stream(), input.readSizes());
        BoundedReadLoop.Outcome bytewise = BoundedReadLoop.run(framers, input.maxMessageBytes(), input.stream(), List.of(1));
        assertThat(fuzzed.texts()).as("messages with reads %s vs one byte per read", input.readSizes())
                .isEqualTo(bytewise.texts());
        assertThat(fuzzed.error() != null).as("protocol error with reads %s (%s) vs one byte per read (%s)",
                input.readSizes(), fuzzed.error(), bytewise.error()).isEqualTo(bytewise.error() != null);
        return fuzzed;
    }
}
