package dev.turnstile.model.process;

import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import dev.turnstile.api.CloseReason;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPerConnectionTest {

    /** The README's example, character for character: a shell loop that answers each line as soon as it is read. */
    static final String SHELL_UPPERCASE =
            "while IFS= read -r line; do printf \"%s\\n\" \"$line\" | tr \"[:lower:]\" \"[:upper:]\"; done";


    @Test
    void servesEachConnectionInAJvmOfItsOwn() throws Exception {
        try (Server server = Server.builder().model("process-per-connection").framing(Framing.LINE).port(0).start();
             LineClient a = LineClient.connect(server.port());
             LineClient b = LineClient.connect(server.port())) {
            assertThat(a.ask("hello")).isEqualTo("HELLO");
            assertThat(b.ask("why not?")).isEqualTo("WHY NOT?");
            assertThat(a.ask("bye  ")).isEqualTo("BYE");
            StatsSnapshot s = server.snapshot();
            assertThat(s.accepted()).isEqualTo(2);
            assertThat(s.workers()).extracting(StatsSnapshot.Worker::name).allMatch(n -> n.matches("process-\\d+")).hasSize(2);
            assertThat(ChildProcesses.ofThisJvm()).filteredOn(ChildProcesses.Child::serving).hasSize(2);
        }
        assertThat(ChildProcesses.awaitNone(ChildProcesses.Child::serving, Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void childExitIsReportedAsTheConnectionsClose() throws Exception {
        try (Server server = Server.builder().model("process-per-connection").framing(Framing.LINE).port(0).start()) {
            try (LineClient a = LineClient.connect(server.port())) {
                assertThat(a.ask("one")).isEqualTo("ONE");
            }
            awaitTrue(() -> server.snapshot().closed() == 1, Duration.ofSeconds(10));
            assertThat(server.snapshot().closedFor(CloseReason.PEER_CLOSED)).isEqualTo(1);
            assertThat(server.snapshot().active()).isZero();
        }
    }

    @Test
    void aClientThatResetsBeforeItsWorkerStartsIsJustAReset() throws Exception {
        try (Server server = Server.builder().model("process-per-connection").framing(Framing.LINE).port(0).start()) {
            try (java.net.Socket rude = new java.net.Socket("127.0.0.1", server.port())) {
                rude.getOutputStream().write("unread\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                rude.setSoLinger(true, 0); // close with RST, before the worker JVM can read
            }
            awaitTrue(() -> server.snapshot().closed() == 1, Duration.ofSeconds(15));
            try (LineClient polite = LineClient.connect(server.port())) {
                assertThat(polite.ask("still here?")).isEqualTo("STILL HERE?");
            }
            assertThat(server.snapshot().closedFor(CloseReason.RESET)
                    + server.snapshot().closedFor(CloseReason.PEER_CLOSED)).isEqualTo(1);
        }
    }

    @Test
    void execRunsAProgramPerConnectionThatAnswersLineByLine() throws Exception {
        ModelOptions options = ModelOptions.none().with("exec", ExecCommand.join(List.of("sh", "-c", SHELL_UPPERCASE)));
        try (Server server = Server.builder().model("process-per-connection").options(options).port(0).start();
             LineClient a = LineClient.connect(server.port())) {
            assertThat(a.ask("hello")).isEqualTo("HELLO");
            assertThat(a.ask("are you sure")).isEqualTo("ARE YOU SURE");
        }
    }

    @Test
    void execChildGetsThePeerInItsEnvironment() throws Exception {
        ModelOptions options = ModelOptions.none().with("exec",
                "sh -c 'echo \"$PROTO $TCPREMOTEIP $TCPREMOTEPORT $TCPLOCALIP $TCPLOCALPORT\"'");
        try (Server server = Server.builder().model("process-per-connection").options(options).port(0).start();
             LineClient a = LineClient.connect(server.port())) {
            assertThat(a.readLine()).isEqualTo("TCP 127.0.0.1 " + a.localPort() + " 127.0.0.1 " + server.port());
            assertThat(a.closedByServer()).isTrue();
        }
    }

    @Test
    void maxChildrenKeepsTheExcessInTheBacklog() throws Exception {
        ModelOptions options = ModelOptions.none().with("max-children", "1")
                .with("exec", ExecCommand.join(List.of("sh", "-c", SHELL_UPPERCASE)));
        try (Server server = Server.builder().model("process-per-connection").options(options).port(0).start();
             LineClient first = LineClient.connect(server.port());
             LineClient second = LineClient.connect(server.port())) {
            assertThat(first.ask("first")).isEqualTo("FIRST");
            second.send("second\n");
            assertThat(readTimesOut(second)).as("no child for the second while the first runs").isTrue();
            first.close();
            assertThat(second.readLineWithin(Duration.ofSeconds(10))).isEqualTo("SECOND");
        }
    }

    @Test
    void stopDrainsThenForcesAndLeavesNoChild() throws Exception {
        Server server = Server.builder().model("process-per-connection")
                .options(ModelOptions.none().with("exec", "sleep 60")).port(0).start();
        try (LineClient a = LineClient.connect(server.port())) {
            awaitTrue(() -> server.snapshot().active() == 1, Duration.ofSeconds(10));
            long started = System.nanoTime();
            ShutdownReport report = server.stop(Duration.ofMillis(300));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            assertThat(report.forced()).isEqualTo(1);
            assertThat(report.stragglers()).isEmpty();
            assertThat(a.closedByServer()).isTrue();
        }
        assertThat(ChildProcesses.ofThisJvm()).filteredOn(ChildProcesses.Child::serving).isEmpty();
        assertThat(server.snapshot().closedFor(CloseReason.SHUTDOWN)).isEqualTo(1);
    }

    private static boolean readTimesOut(LineClient c) {
        try {
            c.readLineWithin(Duration.ofMillis(500));
            return false;
        } catch (UncheckedIOException e) {
            return e.getCause() instanceof SocketTimeoutException;
        }
    }

    static void awaitTrue(BooleanSupplier condition, Duration limit) {
        Poll.until("the condition", limit, condition);
    }
}
