package dev.turnstile.model.process;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.ManyClients;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract's cases that a foreign program can keep, for process-per-connection with
 * {@code --exec} running the README's shell loop. (Framing and limits are the program's
 * business, and it counts no messages, so those cases are not here.)
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecContractTest {

    private static final ModelOptions EXEC = ModelOptions.none()
            .with("exec", ExecCommand.join(List.of("sh", "-c", ProcessPerConnectionTest.SHELL_UPPERCASE)));

    private static RunningServer start(ModelOptions options) {
        return RunningServer.start("process-per-connection", options);
    }


    @Test
    void echoesEachLineUppercasedInOrder() {
        try (RunningServer server = start(EXEC); LineClient client = server.connect()) {
            for (int i = 0; i < 50; i++) {
                assertThat(client.ask("message " + i + " why not?")).isEqualTo("MESSAGE " + i + " WHY NOT?");
            }
        }
    }

    @Test
    void servesMoreClientsThanChildrenAtOnce() throws Exception {
        int clients = 12;
        try (RunningServer server = start(EXEC.with("max-children", "4"))) {
            ManyClients.converse(server, clients, 5, Duration.ofSeconds(30));
            assertThat(server.await("all closed", Duration.ofSeconds(10), s -> s.closed() == clients).peakActive())
                    .isBetween(1, 4);
        }
    }

    @Test
    void answersEverythingSentBeforeAHalfClose() {
        try (RunningServer server = start(EXEC); LineClient client = server.connect()) {
            client.send("a\nb\nlast\n");
            client.shutdownOutput();
            assertThat(client.readToEnd()).isEqualTo("A\nB\nLAST\n");
        }
    }

    @Test
    void aClientResetDoesNotDisturbOthers() {
        try (RunningServer server = start(EXEC); LineClient steady = server.connect()) {
            assertThat(steady.ask("one")).isEqualTo("ONE");
            LineClient rude = server.connect();
            assertThat(rude.ask("hi")).isEqualTo("HI");
            rude.reset();
            assertThat(steady.ask("two")).isEqualTo("TWO");
            server.await("the reset connection closed", Duration.ofSeconds(5), s -> s.closed() == 1);
        }
    }

    @Test
    void gracefulStopKeepsServingOpenConversations() throws Exception {
        RunningServer server = start(EXEC);
        try (LineClient client = server.connect()) {
            assertThat(client.ask("before stop")).isEqualTo("BEFORE STOP");
            CompletableFuture<ShutdownReport> stop = CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(20)));
            server.await("draining", Duration.ofSeconds(5), s -> stop.isDone() || !LineClient.canConnect(server.port()));
            assertThat(client.ask("during drain")).isEqualTo("DURING DRAIN");
            client.shutdownOutput();
            assertThat(client.readToEnd()).isEmpty();
            ShutdownReport report = stop.get(15, TimeUnit.SECONDS);
            assertThat(report.forced()).isZero();
            assertThat(report.stragglers()).isEmpty();
        } finally {
            server.close();
        }
    }

    @Test
    void forcedStopEndsWithinTheGracePlusAMargin() {
        RunningServer server = start(EXEC);
        try (LineClient idle = server.connect()) {
            assertThat(idle.ask("hello")).isEqualTo("HELLO");
            long started = System.nanoTime();
            ShutdownReport report = server.stop(Duration.ofMillis(300));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(300).plusSeconds(5));
            assertThat(report.forced()).isEqualTo(1);
            assertThat(idle.closedByServer()).isTrue();
        } finally {
            server.close();
        }
    }

    @Test
    void aProgramThatCannotBeFoundRefusesOnlyThatConnection() {
        try (RunningServer server = start(ModelOptions.none().with("exec", "/nonexistent/program"))) {
            try (LineClient client = server.connect()) {
                assertThat(client.closedByServer()).isTrue();
            }
            server.await("refused", Duration.ofSeconds(5), s -> s.rejected() == 1);
        }
        assertThatThrownBy(() -> start(ModelOptions.none().with("exec", "sh -c 'oops")))
                .hasMessageContaining("exec: unclosed '");
    }
}
