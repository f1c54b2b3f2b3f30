package dev.turnstile.model.process;

import dev.turnstile.echo.EchoUppercase;
import dev.turnstile.testing.Haproxy;
import dev.turnstile.testing.Poll;
import dev.turnstile.testing.ProxiedClient;
import dev.turnstile.testing.ProxyHeaders;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scale-out recipe ({@code docs/deploy/haproxy.cfg}) under load: HAProxy in front of three
 * turnstile servers in processes of their own (event-loop, thread-pool, virtual-threads), PROXY v2,
 * health checks speaking echo. {@value #CLIENTS} clients hold conversations (connect, three lines,
 * each answer checked, close) back to back through HAProxy while
 * <ol>
 * <li>one server is stopped gracefully with SIGTERM alone, while HAProxy still sends it new
 *     connections (no maintenance step first): it seals its listener, serves what the kernel had
 *     queued and the conversations it holds, and closes; a connection HAProxy opens meanwhile is
 *     refused and redispatched (retries, option redispatch). No conversation fails;</li>
 * <li>another is killed (SIGKILL): only the conversations it held fail, at most one per client,
 *     and the rest go on on the third.</li>
 * </ol>
 * The figures are printed for the README.
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(180)
class ScaleOutTest {

    private static final int CLIENTS = 8;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aGracefulStopLosesNothingAndAKillOnlyItsOwnConversations() throws Exception {
        List<ServerProcess> servers = new ArrayList<>();
        try {
            for (String model : List.of("event-loop", "thread-pool", "virtual-threads")) {
                servers.add(ServerProcess.start(model, EchoUppercase.class, "workers=16", "proxy-protocol=v2"));
            }
            for (ServerProcess server : servers) { // a fresh JVM's first connection loads classes: not in a 1 s check
                try (ProxiedClient warm = ProxiedClient.connect(server.port(), "127.0.0.1")) {
                    warm.send(ProxyHeaders.concat(ProxyHeaders.v2Local(), "warm\n".getBytes(StandardCharsets.US_ASCII)));
                    assertThat(warm.readLine()).isEqualTo("WARM");
                }
            }
            int front = Haproxy.freePort();
            try (Haproxy haproxy = Haproxy.start(config(front, servers), List.of(front));
                 Load load = new Load(front)) {
                Poll.until("every server UP in haproxy", WAIT, () -> haproxy.command("show stat").lines()
                        .filter(l -> l.startsWith("turnstile,s")).allMatch(l -> l.contains(",UP,") && l.contains("L7OK")));
                load.start();
                load.awaitMore(300);
                long before = load.failed.get();
                assertThat(before).as("failures with every server up; haproxy log: %s", haproxy.log()).isZero();

                ServerProcess stopped = servers.get(0);
                stopped.process().destroy(); // SIGTERM, no maint first: ServeMain stops with a 5 s drain
                assertThat(stopped.awaitExit(WAIT)).isZero();
                load.awaitMore(300);
                long afterStop = load.failed.get();
                long okAtStop = load.ok.get();
                System.out.printf("scale-out: graceful stop of %s: %d conversations failed (%d succeeded so far)%n",
                        "event-loop", afterStop - before, okAtStop);
                assertThat(afterStop - before).as("failures across a graceful stop; haproxy log: %s", haproxy.log()).isZero();

                ServerProcess killed = servers.get(1);
                killed.process().destroyForcibly(); // SIGKILL
                killed.awaitExit(WAIT);
                load.awaitMore(300);
                long afterKill = load.failed.get();
                System.out.printf("scale-out: SIGKILL of %s: %d conversations failed (at most %d were open on it); %d succeeded in all%n",
                        "thread-pool", afterKill - afterStop, CLIENTS, load.ok.get());
                assertThat(afterKill - afterStop).as("failures across a kill").isLessThanOrEqualTo(CLIENTS);
                long settled = load.failed.get();
                load.awaitMore(300);
                assertThat(load.failed.get()).as("failures once HAProxy has taken the killed one out").isEqualTo(settled);
            }
        } finally {
            servers.forEach(ServerProcess::close);
        }
    }

    /** docs/deploy/haproxy.cfg with this test's ports and a faster check. */
    private static String config(int front, List<ServerProcess> servers) throws IOException {
        Path recipe = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/deploy/haproxy.cfg");
        String cfg = Files.readString(recipe)
                .replace("stats socket /run/turnstile-haproxy.sock", "stats socket " + Haproxy.ADMIN_SOCKET)
                .replace("bind 127.0.0.1:20446", "bind 127.0.0.1:" + front)
                .replace("inter 500ms fall 1", "inter 100ms fall 2")
                .replace("    server a 127.0.0.1:20447\n    server b 127.0.0.1:20448\n", "");
        StringBuilder lines = new StringBuilder(cfg);
        for (int i = 0; i < servers.size(); i++) {
            lines.append("    server s").append(i).append(" 127.0.0.1:").append(servers.get(i).port()).append('\n');
        }
        return lines.toString();
    }

    /** {@value #CLIENTS} threads holding conversations back to back; counts those that succeed and fail. */
    private static final class Load implements AutoCloseable {
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private final int port;

        Load(int port) {
            this.port = port;
        }

        void start() {
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                threads.add(Thread.ofPlatform().name("scale-out-client-" + i).start(() -> {
                    for (long n = 0; running.get(); n++) {
                        (converse(client, n) ? ok : failed).incrementAndGet();
                    }
                }));
            }
        }

        /** Waits until {@code more} further conversations have succeeded. */
        void awaitMore(long more) {
            long target = ok.get() + more;
            Poll.until(more + " more conversations", WAIT, () -> ok.get() >= target);
        }

        private boolean converse(int client, long n) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                for (int i = 0; i < 3; i++) {
                    String line = "client " + client + " conversation " + n + " line " + i;
                    out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (!line.toUpperCase().equals(in.readLine())) {
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }
}
