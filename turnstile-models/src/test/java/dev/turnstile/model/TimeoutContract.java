package dev.turnstile.model;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write and message timeouts, the same in every model, with the timeouts set short: peers
 * that never read, and peers that never finish a message, are closed with their own reasons and
 * free the pool for a fresh client; a silent peer is still closed by the idle timeout. Pools have
 * 2 workers and the hostile clients number 2, so a fresh client is served only if both were let
 * go. A subclass supplies the models as a static {@code models()}: {@link TimeoutContractTest}
 * those that serve in this JVM, {@code ProcessTimeoutContractTest} those in other processes.
 */
@Timeout(120)
public abstract class TimeoutContract {

    static final ModelOptions OPTIONS = ModelOptions.none().withWorkers(2).withMinWorkers(1).withMaxWorkers(2)
            .withKeepAlive(Duration.ofSeconds(1));
    static final Duration SHORT = Duration.ofMillis(400);
    /** Generous: a process-per-connection child may start slowly on a loaded machine. */
    static final Duration BOUND = Duration.ofSeconds(20);

    static RunningServer start(String model, Duration idle, Duration write, Duration message) {
        return RunningServer.start(model, OPTIONS, b -> b.framing(Framing.LINE).idleTimeout(idle)
                .writeTimeout(write).messageTimeout(message));
    }

    static long closes(StatsSnapshot s, CloseReason reason) {
        return s.closes().getOrDefault(reason, 0L);
    }

    /** Pass: both clients that send and never read are closed WRITE_TIMEOUT, and a third gets its reply. */
    @ParameterizedTest
    @MethodSource("models")
    void closesPeersThatNeverReadAndServesTheNext(String model) throws Exception {
        try (RunningServer server = start(model, Duration.ofSeconds(60), SHORT, Duration.ofSeconds(60))) {
            List<Socket> floods = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    floods.add(flood(server.port()));
                }
                StatsSnapshot s = server.await("both readers-that-never-read closed WRITE_TIMEOUT", BOUND,
                        st -> closes(st, CloseReason.WRITE_TIMEOUT) >= 2);
                assertThat(closes(s, CloseReason.SLOW_CONSUMER)).isZero();
                try (LineClient fresh = server.connect()) {
                    assertThat(fresh.ask("still here")).isEqualTo("STILL HERE");
                }
            } finally {
                for (Socket f : floods) {
                    f.close();
                }
            }
        }
    }

    /** Pass: both clients that send a byte at a time, never finishing a line, are closed MESSAGE_TIMEOUT; a third is served. */
    @ParameterizedTest
    @MethodSource("models")
    void closesMessagesThatNeverFinishAndServesTheNext(String model) throws Exception {
        // the idle timeout is longer than the pace, so only the message timeout can end these
        try (RunningServer server = start(model, Duration.ofSeconds(5), Duration.ofSeconds(60), SHORT)) {
            List<Thread> senders = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            try {
                for (int i = 0; i < 2; i++) {
                    senders.add(trickle(server.port(), done));
                }
                StatsSnapshot s = server.await("both slow senders closed MESSAGE_TIMEOUT", BOUND,
                        st -> closes(st, CloseReason.MESSAGE_TIMEOUT) >= 2);
                assertThat(closes(s, CloseReason.IDLE_TIMEOUT)).isZero();
                try (LineClient fresh = server.connect()) {
                    assertThat(fresh.ask("still here")).isEqualTo("STILL HERE");
                }
            } finally {
                done.countDown();
                for (Thread t : senders) {
                    t.join(5_000);
                }
            }
        }
    }

    /** Pass: a client that sends nothing, and one that goes silent after a whole message, end IDLE_TIMEOUT. */
    @ParameterizedTest
    @MethodSource("models")
    void silentPeersEndByTheIdleTimeoutNotTheMessageTimeout(String model) {
        try (RunningServer server = start(model, Duration.ofMillis(600), Duration.ofSeconds(60), Duration.ofMillis(200));
             LineClient silent = server.connect(); LineClient answered = server.connect()) {
            assertThat(answered.ask("one whole line")).isEqualTo("ONE WHOLE LINE");
            StatsSnapshot s = server.await("both silent clients closed", BOUND, st -> st.closed() >= 2);
            assertThat(closes(s, CloseReason.IDLE_TIMEOUT)).isEqualTo(2);
            assertThat(closes(s, CloseReason.MESSAGE_TIMEOUT)).isZero();
            assertThat(silent.closedByServer()).isTrue();
        }
    }

    /**
     * A client that sends lines as fast as the server reads them and never reads a reply: its
     * receive buffer is small, so the server's writes back up soon. The sending thread ends when
     * the server closes the socket.
     */
    private static Socket flood(int port) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        byte[] line = new byte[1024];
        Arrays.fill(line, (byte) 'x');
        line[line.length - 1] = '\n';
        OutputStream out = socket.getOutputStream();
        Thread.ofVirtual().name("flood-" + socket.getLocalPort()).start(() -> {
            try {
                while (true) {
                    out.write(line);
                }
            } catch (IOException e) {
                // closed by the server (or by the test): done
            }
        });
        return socket;
    }

    /**
     * A client that sends one byte every 100 ms (well within the idle timeout) and never a newline,
     * until the server closes it or {@code done}; the pace is a wait on {@code done}, not a sleep.
     */
    private static Thread trickle(int port, CountDownLatch done) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        return Thread.ofVirtual().name("trickle-" + socket.getLocalPort()).start(() -> {
            try (socket) {
                OutputStream out = socket.getOutputStream();
                do {
                    out.write("a".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } while (!done.await(100, TimeUnit.MILLISECONDS));
            } catch (IOException | InterruptedException e) {
                // closed by the server: done
            }
        });
    }
}
