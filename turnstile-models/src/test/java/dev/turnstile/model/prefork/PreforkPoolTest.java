package dev.turnstile.model.prefork;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.model.process.ChildProcesses;
import dev.turnstile.model.process.LineSocket;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("process")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PreforkPoolTest {

    @AfterEach
    void leavesNoZombie() {
        assertThat(ChildProcesses.zombies()).isEmpty();
    }

    @Test
    void workersShareTheListenerAndReportThroughTheScoreboard() throws Exception {
        try (RunningServer server = RunningServer.start("process-pool", ModelOptions.none().withWorkers(2));
             LineSocket a = LineSocket.connect(server.port());
             LineSocket b = LineSocket.connect(server.port())) {
            assertThat(a.ask("hello")).isEqualTo("HELLO");
            assertThat(b.ask("why not?")).isEqualTo("WHY NOT?");
            StatsSnapshot s = server.await("both counted", Duration.ofSeconds(5), st -> st.messages() == 2 && st.active() == 2);
            assertThat(s.workers()).extracting(StatsSnapshot.Worker::name).contains("worker-1", "worker-2");
            assertThat(s.workers()).allMatch(w -> w.active() <= 1);
            assertThat(s.poolSize()).isEqualTo(2);
        }
        assertThat(ChildProcesses.awaitNone(ChildProcesses.Child::serving, Duration.ofSeconds(5))).isEmpty();
    }
}
