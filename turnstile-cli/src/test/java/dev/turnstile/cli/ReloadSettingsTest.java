package dev.turnstile.cli;

import dev.turnstile.posix.NotifyInbox;
import dev.turnstile.testing.LineClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * SIGHUP to a real serve: each changed setting logged as applied or as needing a restart, a
 * bad file refusing the reload while the server goes on, RELOADING=1/READY=1 to the notify
 * socket, and a new setting reaching process-per-connection's children.
 */
@Tag("process")
@Timeout(180)
class ReloadSettingsTest {

    private static final Duration START = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private static void hangUp(ServeProcess serve) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-HUP", Long.toString(serve.process().pid())).inheritIO().start().waitFor();
    }

    /**
     * The next notification with a line starting with {@code prefix} (the first READY=1 comes after
     * MAINPID=), skipping the periodic STATUS= lines.
     */
    private static String next(NotifyInbox inbox, String prefix) throws IOException {
        for (int i = 0; i < 20; i++) {
            Optional<String> m = inbox.receive(Duration.ofSeconds(30));
            if (m.isEmpty()) {
                break;
            }
            if (("\n" + m.get()).contains("\n" + prefix)) {
                return m.get();
            }
        }
        return fail("no notification starting with " + prefix);
    }

    @Test
    void anInProcessModelLogsWhatNeedsARestartAndABadFileChangesNothing() throws Exception {
        Path conf = dir.resolve("turnstile.conf");
        Files.writeString(conf, "model = thread-pool\nport = 0\nidle-timeout = 2m\n");
        try (NotifyInbox inbox = NotifyInbox.bind(dir.resolve("notify"));
             ServeProcess serve = ServeProcess.start(ServeProcess.javaServe(List.of("--config", conf.toString())),
                     Map.of("NOTIFY_SOCKET", inbox.path().toString()), dir.resolve("serve.out"))) {
            int port = Integer.parseInt(serve.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", START).group(1));
            next(inbox, "READY=1");

            Files.writeString(conf, "model = thread-pool\nport = 0\nidle-timeout = 30s\nbacklog = 10\ndrain = 3s\n");
            hangUp(serve);
            assertThat(next(inbox, "RELOADING=1")).matches("(?s)RELOADING=1\nMONOTONIC_USEC=\\d+\n.*");
            serve.awaitLine("reload: backlog: 1024 -> 10 needs a restart \\(thread-pool\\); ignored", START);
            serve.awaitLine("reload: idle-timeout: 2m -> 30s needs a restart \\(thread-pool\\); ignored", START);
            serve.awaitLine("reload: drain: 10s -> 3s$", START);
            serve.awaitLine("reload done in \\d+ ms: thread-pool takes its settings at start only", START);
            next(inbox, "READY=1");

            Files.writeString(conf, "model = thread-pool\nport = 0\nidle-timout = 30s\n");
            hangUp(serve);
            serve.awaitLine("reload refused, still serving with the settings of before: .*line 3: unknown key 'idle-timout';"
                    + " did you mean 'idle-timeout'\\?", START);
            next(inbox, "READY=1");
            try (LineClient c = LineClient.connect(port)) {
                assertThat(c.ask("still here")).isEqualTo("STILL HERE");
            }
            assertThat(serve.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void processPerConnectionChildrenStartedAfterAReloadUseTheNewSettings() throws Exception {
        Path conf = dir.resolve("turnstile.conf");
        Files.writeString(conf, "model = process-per-connection\nport = 0\nidle-timeout = 2m\n");
        try (ServeProcess serve = ServeProcess.start(ServeProcess.javaServe(List.of("--config", conf.toString())), Map.of(),
                dir.resolve("serve.out"))) {
            int port = Integer.parseInt(serve.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", START).group(1));
            try (LineClient before = LineClient.connect(port)) {
                assertThat(before.ask("before")).isEqualTo("BEFORE");
                Files.writeString(conf, "model = process-per-connection\nport = 0\nidle-timeout = 1s\nmax-children = 3\n");
                hangUp(serve);
                serve.awaitLine("reload: idle-timeout: 2m -> 1s$", START);
                serve.awaitLine("reload: max-children: \\(unset\\) -> 3 needs a restart \\(process-per-connection\\); ignored", START);
                serve.awaitLine("reload done in \\d+ ms: connections from now on get children with the new settings", START);
                try (Socket after = new Socket()) {
                    after.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                    after.setSoTimeout(60_000);
                    InputStream in = after.getInputStream();
                    long began = System.nanoTime();
                    assertThat(in.read()).as("the new child closes an idle connection").isEqualTo(-1);
                    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(50));
                }
                assertThat(before.ask("the child of before keeps its 2m")).isEqualTo("THE CHILD OF BEFORE KEEPS ITS 2M");
            }
            assertThat(serve.terminate(Duration.ofSeconds(30))).isZero();
        }
    }
}
