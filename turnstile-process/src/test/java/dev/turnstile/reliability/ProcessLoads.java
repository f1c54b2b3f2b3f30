package dev.turnstile.reliability;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.model.process.ExecCommand;
import dev.turnstile.reliability.ReliabilityCases.Load;
import dev.turnstile.testing.TestModels;

import java.util.List;
import java.util.stream.Stream;

/**
 * How much of the reliability suite's load the process models take, and under which options.
 * {@code process-pool} takes the full load except the idle connections (400, over 4 worker JVMs
 * with enough threads each). {@code process-per-connection} starts a JVM per connection, so it
 * takes small counts where each connection would be a JVM (8 crowd clients, 4 light ones beside
 * a flood) and holds its idle connections with {@code --exec} shell children (200), which cost a
 * shell each rather than a JVM. The storm keeps its 500 cycles: a peer that has gone gets no
 * process.
 */
final class ProcessLoads {

    /** tcpserver-style uppercasing echo: a shell per connection, a {@code tr} per line. */
    static final String SHELL_UPPERCASE =
            "while IFS= read -r line; do printf \"%s\\n\" \"$line\" | tr \"[:lower:]\" \"[:upper:]\"; done";

    private ProcessLoads() {
    }

    /** Every model that serves in other processes, or the subset in {@code -Dturnstile.test.models}. */
    static Stream<String> models() {
        return TestModels.inOtherProcesses();
    }

    static Load load(String model) {
        return model.equals("process-per-connection")
                ? new Load(200, 500, 8, 10_000, 4)
                : new Load(400, 500, 200, 10_000, 20);
    }

    /** Room for {@code connections} at once: shell children, or 4 worker JVMs with threads enough. */
    static ModelOptions crowdOptions(String model, int connections) {
        ModelOptions room = ReliabilityCases.poolOf(connections + 16);
        return model.equals("process-per-connection")
                ? room.with("exec", ExecCommand.join(List.of("sh", "-c", SHELL_UPPERCASE)))
                : ReliabilityCases.poolOf(4).with("threads-per-worker", Integer.toString(connections / 4 + 8));
    }
}
