package dev.turnstile.cli;

import dev.turnstile.api.ConnectionLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class LimitOptionsTest {

    private static ConnectionLimits parse(String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        return serve.server.config().limits();
    }

    @Test
    void limitsReachTheServerConfigForEveryModel() {
        assertThat(parse("--model", "event-loop", "--max-connections", "100", "--max-connections-per-ip", "4",
                "--max-accept-rate", "20")).isEqualTo(new ConnectionLimits(100, 4, 20));
        assertThat(parse("--model", "thread-pool")).isEqualTo(ConnectionLimits.none());
    }
}
