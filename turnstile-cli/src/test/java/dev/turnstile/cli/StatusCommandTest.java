package dev.turnstile.cli;

import dev.turnstile.admin.AdminServer;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code turnstile status} reading {@code /status.json}, and {@code serve --admin-port} serving it. */
@Timeout(120)
class StatusCommandTest {

    /** Runs {@code status} with {@code args}; returns the exit code, stdout and stderr. */
    private record Run(int code, String out, String err) {
    }

    private static Run status(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StatusCommand command = new StatusCommand();
        new picocli.CommandLine(command).parseArgs(args);
        int code = command.print(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"thread-pool", "virtual-threads", "event-loop", "elastic-pool"})
    void printsTheScoreboardWorkersAndOpenConnectionsOfAnInProcessModel(String model) throws IOException {
        ModelOptions options = ModelOptions.none().withWorkers(2).withMinWorkers(1).withMaxWorkers(2);
        try (RunningServer server = RunningServer.start(model, options);
             AdminServer admin = AdminOptions.startOn("127.0.0.1", 0, server.server(), Map.of("workers", "2"),
                     new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
             LineClient client = server.connect()) {
            assertThat(client.ask("hello")).isEqualTo("HELLO");
            Run run = Poll.until("the connection's message in the status", Duration.ofSeconds(10),
                    () -> status("--port", Integer.toString(admin.address().getPort())),
                    r -> r.out().contains("; 1 messages;"));
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).startsWith("turnstile " + model + " on 127.0.0.1:" + server.port())
                    .containsPattern("Scoreboard: [_RHWCSG]+\n")
                    .contains("Key: \"_\" idle")
                    .contains("Open connections: 1")
                    .containsPattern("127\\.0\\.0\\.1:" + client.localPort() + " +\\S+ +[0-9.]+ s +1 +6 B +6 B  (reading|handling|writing)");
        }
    }

    @Test
    void saysHowToGetAStatusWhenNothingAnswers() throws IOException {
        Run run = status("--port", Integer.toString(ServeProcess.freePort()));
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("nothing answers at http://127.0.0.1:").contains("--admin-port");
    }

    @Test
    @Tag("process")
    void serveWithAnAdminPortShowsAProcessPoolFromItsMasterAndTheScoreboardStillReads(@TempDir Path dir) throws Exception {
        int port = ServeProcess.freePort();
        try (ServeProcess serve = ServeProcess.start(ServeProcess.javaServe(List.of("--model", "process-pool", "--workers", "2",
                "--port", Integer.toString(port), "--admin-port", "0")), Map.of(), dir.resolve("serve.out"))) {
            Matcher page = serve.awaitLine("status page: http://127\\.0\\.0\\.1:(\\d+)/status", Duration.ofSeconds(60));
            int adminPort = Integer.parseInt(page.group(1));
            try (LineClient client = LineClient.connect(port)) {
                assertThat(client.ask("hello")).isEqualTo("HELLO");
                Run run = Poll.until("the pool's message in the master's status", Duration.ofSeconds(20),
                        () -> status("--port", Integer.toString(adminPort)), r -> r.out().contains("; 1 messages;"));
                assertThat(run.out()).startsWith("turnstile process-pool on ")
                        .containsPattern("worker-1 +process +(idle|reading|handling|writing)")
                        .containsPattern("worker-2 +process +(idle|reading|handling|writing)")
                        .contains("Open connections: 1");
                Run board = status("--port", Integer.toString(port)); // the server's own port: no HTTP there
                assertThat(board.code()).as(board.err()).isZero();
                assertThat(board.err()).contains("showing the scoreboard of the process model on port " + port);
                assertThat(board.out()).contains("Scoreboard: ");
                assertThat(status("--scoreboard", Integer.toString(port)).out()).contains("master pid");
            }
            assertThat(serve.terminate(Duration.ofSeconds(30))).isZero();
        }
    }
}
