package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;
import dev.turnstile.testing.Poll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Process-per-connection under a storm of connect-and-close ({@link ConnectionStorm}): a
 * connection whose peer already left gets no process, and fresh clients keep being answered. The
 * children are an --exec shell loop, so what is measured is the master, not a JVM's start on a
 * loaded machine ({@link StormBench} measures JVM children).
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StormTest {

    private static final int CYCLES = 300;

    @Test
    void connectionsWhosePeerLeftGetNoProcessAndFreshClientsAreAnsweredWithinTwoSeconds() throws Exception {
        ModelOptions exec = ModelOptions.none()
                .with("exec", ExecCommand.join(List.of("sh", "-c", ProcessPerConnectionTest.SHELL_UPPERCASE)));
        ConnectionStorm storm = new ConnectionStorm();
        try (Server server = Server.builder().model("process-per-connection").options(exec).framing(Framing.LINE)
                .listener(storm.spawnCounter()).port(0).start()) {
            ConnectionStorm.Result r = storm.run(server.port(), new ConnectionStorm.Plan(4, CYCLES,
                    Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofSeconds(2)), Duration.ofSeconds(10));
            System.out.println(r.describe());

            assertThat(r.cycles()).isEqualTo(CYCLES);
            assertThat(r.failedConnects()).as("connects that failed: the backlog never filled").isZero();
            long stormSpawns = r.spawns() - r.probes().size();
            assertThat(stormSpawns).as("processes for storm connections, whose peers closed at once: %s", r.describe())
                    .isLessThan(CYCLES / 10);
            assertThat(r.during()).as("probes during the storm").isNotEmpty();
            assertThat(r.after()).as("probes after the storm").isNotEmpty();
            assertThat(r.probes()).as("every fresh client answered within 2 s: %s", r.describe())
                    .allSatisfy(p -> assertThat(p.replied() && p.millis() < 2000).as("%s", p).isTrue());
            // idle again: the server's own count (the sampler's view of child processes is a figure for the
            // bench, reported in describe(); NoProcessLeftBehind checks that no child outlives the test)
            assertThat(Poll.within(Duration.ofSeconds(10), () -> server.snapshot().active() == 0))
                    .as("the server idle after the storm: %s", r.describe()).isTrue();
            StatsSnapshot s = server.snapshot();
            assertThat(s.accepted()).isEqualTo(CYCLES + r.probes().size());
            assertThat(s.closedFor(CloseReason.PEER_CLOSED) + s.closedFor(CloseReason.RESET)).isEqualTo(s.accepted());
        }
    }
}
