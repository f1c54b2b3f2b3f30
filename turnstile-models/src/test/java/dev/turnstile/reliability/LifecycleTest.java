package dev.turnstile.reliability;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reliability, connection lifecycle: a half-close after a burst, a reset with replies unread, a
 * storm of connect-and-close, and thousands of idle connections, against every model. Each case's
 * pass rule is written above it; each is bounded by {@link #BOUND} and the class timeout.
 */
@Timeout(150)
class LifecycleTest extends ReliabilityCases {

    /** How long thousands of connections may take to open, or to close, on a busy 2-core machine. */
    static final Duration OPENING = Duration.ofSeconds(60);

    static Stream<String> models() {
        return inProcessModels();
    }

    /**
     * Pass: 1,000 lines sent in one write followed by a half-close (shutdownOutput) all get their
     * replies, in order, and then the server's end of stream; the close is PEER_CLOSED.
     */
    @ParameterizedTest
    @MethodSource("models")
    void aHalfCloseAfterABurstStillGetsEveryReply(String model) {
        int lines = 1_000;
        String burst = IntStream.range(0, lines).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
        try (RunningServer server = start(model); LineClient client = server.connect()) {
            client.send(burst);
            client.shutdownOutput();
            assertThat(client.readToEnd()).isEqualTo(burst.toUpperCase(java.util.Locale.ROOT));
            server.await("closed as the peer closed", BOUND, s -> s.closedFor(CloseReason.PEER_CLOSED) == 1);
        }
    }

    /**
     * Pass: a client that resets (SO_LINGER 0) while 50 replies lie unread in its receive buffer,
     * and one that resets in the middle of a line, are both closed and counted RESET; no handler
     * error; a client connected before them is served throughout and one after them too. (A plain
     * close would not do: the JDK closes with a FIN even when bytes lie unread.)
     */
    @ParameterizedTest
    @MethodSource("models")
    void aResetWithUnreadDataIsCountedAndTheServerGoesOn(String model) throws Exception {
        try (RunningServer server = start(model); LineClient steady = server.connect()) {
            assertThat(steady.ask("one")).isEqualTo("ONE");
            try (Socket unread = new Socket()) {
                unread.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                unread.getOutputStream().write("reply i will not read\n".repeat(50).getBytes(StandardCharsets.US_ASCII));
                int replies = 50 * "REPLY I WILL NOT READ\n".length();
                Poll.until("the 50 replies in the client's receive buffer, unread", BOUND,
                        () -> unreadBytes(unread), n -> n == replies);
                unread.setSoLinger(true, 0);
            } // closed with SO_LINGER 0: a reset
            LineClient midLine = server.connect();
            assertThat(midLine.ask("hi")).isEqualTo("HI");
            midLine.send("half a li");
            midLine.reset();
            StatsSnapshot s = server.await("both resets counted", BOUND, st -> st.closedFor(CloseReason.RESET) == 2);
            assertThat(s.closedFor(CloseReason.SERVER_ERROR)).isZero();
            assertThat(steady.ask("two")).isEqualTo("TWO");
            try (LineClient after = server.connect()) {
                assertThat(after.ask("after")).isEqualTo("AFTER");
            }
        }
    }

    /** Bytes that lie in the socket's receive buffer, not yet read (FIONREAD). */
    private static int unreadBytes(Socket socket) {
        try {
            return socket.getInputStream().available();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Pass: a storm of connect-and-close cycles (500 from 4 threads) leaves the server serving: a
     * fresh client is answered within {@link #freshWithin} (5 s) of the storm's end, and every
     * connection the server saw is closed again (none open, none an error) within the bound.
     */
    @ParameterizedTest
    @MethodSource("models")
    void aConnectStormLeavesTheServerServing(String model) throws Exception {
        int cycles = load(model).stormConnections();
        try (RunningServer server = start(model)) {
            ExecutorService stormers = Executors.newFixedThreadPool(4);
            AtomicInteger done = new AtomicInteger();
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    runs.add(stormers.submit(() -> {
                        while (done.getAndIncrement() < cycles) {
                            try (Socket s = new Socket()) {
                                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    run.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                }
            } finally {
                stormers.shutdownNow();
            }
            assertThat(askFresh(server, "fresh after the storm", freshWithin(model))).isEqualTo("FRESH AFTER THE STORM");
            StatsSnapshot s = server.await("every connection closed", BOUND,
                    st -> st.active() == 0 && st.closed() == st.accepted());
            assertThat(s.closedFor(CloseReason.SERVER_ERROR)).isZero();
            assertThat(s.accepted() + s.rejected()).isGreaterThanOrEqualTo(1);
        }
    }

    /**
     * Pass: with 2,000 idle connections open (the pools sized to hold them), a fresh client is
     * answered within {@link #freshWithin} (5 s); the idle connections are still open and answer
     * afterwards (a twentieth of them, spread evenly, are asked); closing them all leaves none open.
     */
    @ParameterizedTest
    @MethodSource("models")
    void thousandsOfIdleConnectionsDoNotKeepAFreshClientWaiting(String model) throws Exception {
        int idle = load(model).idleConnections();
        List<LineClient> clients = new ArrayList<>(idle);
        try (RunningServer server = start(model, crowdOptions(model, idle), b -> b.idleTimeout(Duration.ofSeconds(120)))) {
            try {
                for (int i = 0; i < idle; i++) {
                    clients.add(server.connect());
                }
                Poll.until(idle + " connections open", OPENING, () -> server.stats().active(), n -> n == idle);
                assertThat(askFresh(server, "fresh among the idle", freshWithin(model))).isEqualTo("FRESH AMONG THE IDLE");
                for (int i = 0; i < idle; i += Math.max(1, idle / 20)) {
                    assertThat(clients.get(i).ask("idle " + i)).isEqualTo("IDLE " + i);
                }
            } finally {
                for (LineClient c : clients) {
                    c.close();
                }
            }
            Poll.until("all closed", OPENING, () -> server.stats().active(), n -> n == 0);
        }
    }
}
