package dev.turnstile.cli;

import dev.turnstile.posix.NotifyInbox;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import org.junit.jupiter.api.BeforeAll;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The real {@code turnstile serve}, in its own JVM, run as systemd runs it: started by systemd's
 * own {@code systemd-socket-activate} on the socket it passes (LISTEN_FDS), or with a listening
 * socket on standard input (inetd style), and telling a NOTIFY_SOCKET the test opens when it is
 * ready, alive (watchdog) and stopping. Does not skip when {@code systemd-socket-activate} is
 * missing: scripts/install-test-tools installs it (Debian's systemd package).
 */
@Tag("process")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SystemdServeTest {

    private static final Path SOCKET_ACTIVATE = Path.of("/usr/bin/systemd-socket-activate");
    private static final Duration START = Duration.ofSeconds(60); // a JVM (and a pool's worker JVMs) on a loaded machine

    @TempDir
    Path dir;

    @BeforeAll
    static void socketActivateIsInstalled() {
        if (!Files.isExecutable(SOCKET_ACTIVATE)) {
            fail(SOCKET_ACTIVATE + " not found: install Debian's systemd package (scripts/install-test-tools)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"event-loop", "thread-pool", "process-pool", "multi-loop", "loop-with-workers", "virtual-threads",
            "process-per-connection"})
    void servesTheSocketSystemdPassedAndBindsNoPortOfItsOwn(String model) throws Exception {
        int activated = ServeProcess.freePort();
        int own = ServeProcess.freePort();
        List<String> command = new ArrayList<>(List.of(SOCKET_ACTIVATE.toString(), "-l", "127.0.0.1:" + activated,
                "--fdname=turnstile"));
        command.addAll(ServeProcess.javaServe(List.of("--model", model, "--port", Integer.toString(own),
                "--workers", "2", "--drain", "5s")));
        try (ServeProcess serve = ServeProcess.start(command, Map.of(), dir.resolve("serve.out"))) {
            serve.awaitLine("Listening on 127\\.0\\.0\\.1:" + activated, START);
            // systemd-socket-activate starts the server at the first connection, which waits in the backlog meanwhile
            try (LineClient first = LineClient.connect(activated)) {
                serve.awaitLine("listening on 127\\.0\\.0\\.1:" + activated + " \\(.*model " + model + ".*inherited socket\\)", START);
                assertThat(first.ask("hello")).isEqualTo("HELLO");
                for (int i = 0; i < 3; i++) {
                    try (LineClient c = LineClient.connect(activated)) {
                        assertThat(c.ask("client " + i)).isEqualTo("CLIENT " + i);
                    }
                }
                assertThat(first.ask("again")).isEqualTo("AGAIN");
            }
            assertThat(LineClient.canConnect(own)).as("the server bound its own --port " + own).isFalse();
            List<ProcessHandle> children = serve.process().descendants().toList();
            assertThat(serve.terminate(Duration.ofSeconds(30))).as(serve.output()).isZero();
            serve.awaitLine("stopped in \\d+ ms: \\d+ connections", Duration.ofSeconds(5));
            Poll.until("every worker process exited", Duration.ofSeconds(15), () -> children.stream().noneMatch(ProcessHandle::isAlive));
        }
    }

    @Test
    void choosesThePassedSocketByItsName() throws Exception {
        int other = ServeProcess.freePort();
        int named = ServeProcess.freePort();
        List<String> command = new ArrayList<>(List.of(SOCKET_ACTIVATE.toString(),
                "-l", "127.0.0.1:" + other, "--fdname=admin", "-l", "127.0.0.1:" + named, "--fdname=public"));
        command.addAll(ServeProcess.javaServe(List.of("--model", "thread-pool", "--socket-name", "public", "--port", "0")));
        try (ServeProcess serve = ServeProcess.start(command, Map.of(), dir.resolve("serve.out"))) {
            serve.awaitLine("Listening on 127\\.0\\.0\\.1:" + named, START);
            try (LineClient c = LineClient.connect(named)) { // systemd-socket-activate starts it on either socket
                serve.awaitLine("listening on 127\\.0\\.0\\.1:" + named + " .*inherited socket", START);
                assertThat(c.ask("named")).isEqualTo("NAMED");
            }
            assertThat(serve.terminate(Duration.ofSeconds(30))).as(serve.output()).isZero();
        }
    }

    @Test
    void servesAListeningSocketOnStandardInputInetdStyle() throws Exception {
        int port = ServeProcess.freePort();
        // the shell makes the passed socket standard input and forgets systemd's variables: what inetd ('wait') leaves
        String java = String.join(" ", ServeProcess.javaServe(List.of("--model", "event-loop", "--inherit-stdin", "--port", "0")));
        List<String> command = List.of(SOCKET_ACTIVATE.toString(), "-l", "127.0.0.1:" + port, "/bin/sh", "-c",
                "exec env -u LISTEN_FDS -u LISTEN_PID -u LISTEN_FDNAMES " + java + " 0<&3 3<&-");
        try (ServeProcess serve = ServeProcess.start(command, Map.of(), dir.resolve("serve.out"))) {
            serve.awaitLine("Listening on 127\\.0\\.0\\.1:" + port, START);
            try (LineClient c = LineClient.connect(port)) {
                serve.awaitLine("listening on 127\\.0\\.0\\.1:" + port + " .*inherited socket", START);
                assertThat(c.ask("from stdin")).isEqualTo("FROM STDIN");
            }
            assertThat(serve.terminate(Duration.ofSeconds(30))).as(serve.output()).isZero();
        }
    }

    @Test
    void inheritStdinRefusesAStandardInputThatIsNoListeningSocket() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Turnstile.run("serve", "--inherit-stdin", "--port", "0")).isNotZero();
        } finally {
            System.setErr(saved);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("descriptor 0 is not");
    }

    @Test
    void tellsTheNotifySocketReadyOnceAcceptingThenStatusWatchdogAndStopping() throws Exception {
        Path pidFile = dir.resolve("turnstile.pid");
        try (NotifyInbox inbox = NotifyInbox.bind(dir.resolve("notify"));
             ServeProcess serve = ServeProcess.start(ServeProcess.javaServe(List.of("--model", "process-pool", "--workers", "2",
                     "--port", "0", "--pid-file", pidFile.toString(), "--drain", "5s")),
                     Map.of("NOTIFY_SOCKET", inbox.path().toString(), "WATCHDOG_USEC", "400000"), dir.resolve("serve.out"))) {
            String ready = receive(inbox, START);
            assertThat(ready.lines().toList()).contains("READY=1", "MAINPID=" + serve.process().pid());
            Matcher status = Pattern.compile("STATUS=serving 127\\.0\\.0\\.1:(\\d+) \\(process-pool\\): \\d+ open, \\d+ accepted, 2 workers")
                    .matcher(ready);
            assertThat(status.find()).as(ready).isTrue();
            int port = Integer.parseInt(status.group(1));
            try (LineClient c = LineClient.connect(port)) { // ready means accepting, with no retry
                assertThat(c.ask("ready")).isEqualTo("READY");
            }
            assertThat(Files.readString(pidFile).trim()).isEqualTo(Long.toString(serve.process().pid()));
            int watchdogs = 0;
            while (watchdogs < 2) { // every 200 ms: half of WATCHDOG_USEC
                String m = receive(inbox, Duration.ofSeconds(5));
                assertThat(m).as("a watchdog ping or a status line").matches("(?s)WATCHDOG=1|STATUS=serving .*");
                watchdogs += m.equals("WATCHDOG=1") ? 1 : 0;
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream saved = System.err;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                assertThat(Turnstile.run("serve", "--pid-file", pidFile.toString(), "--port", "0")).isNotZero();
            } finally {
                System.setErr(saved);
            }
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("names turnstile process " + serve.process().pid() + ", which is running");

            serve.process().destroy();
            String stopping;
            do {
                stopping = receive(inbox, Duration.ofSeconds(10));
            } while (!stopping.startsWith("STOPPING=1"));
            assertThat(serve.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(serve.process().exitValue()).as(serve.output()).isZero();
            assertThat(pidFile).doesNotExist();
        }
    }

    private static String receive(NotifyInbox inbox, Duration timeout) throws IOException {
        Optional<String> m = inbox.receive(timeout);
        if (m.isEmpty()) {
            fail("no notification within " + timeout);
        }
        return m.get();
    }
}
