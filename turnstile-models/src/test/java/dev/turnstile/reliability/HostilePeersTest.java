package dev.turnstile.reliability;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reliability, slow and hostile peers: readers that never read, slowloris senders, a flood of
 * pipelined messages and random binary garbage, against every model with a pool of 4. The hostile
 * clients number 4 where they could hold workers, so a fresh client is served only if the server
 * let them go. Each case's pass rule is written above it; each is bounded by {@link #BOUND} and
 * the class timeout.
 */
@Timeout(90)
class HostilePeersTest extends ReliabilityCases {

    static final int HOSTILE = 4;

    static Stream<String> models() {
        return inProcessModels();
    }

    /**
     * Pass: 4 clients that send lines as fast as they can and never read are each closed, as
     * SLOW_CONSUMER (replies queued past max-pending, 32 KiB) or WRITE_TIMEOUT (a blocking write
     * waited 1 s), and for no other reason; a fresh client is then answered: no worker stays held
     * and no reply queue grows past its bound.
     */
    @ParameterizedTest
    @MethodSource("models")
    void slowReadersAreClosedAndFreeTheirWorkers(String model) throws Exception {
        try (RunningServer server = start(model, b -> b.maxMessageBytes(16 * 1024).maxPendingBytes(32 * 1024)
                .writeTimeout(Duration.ofSeconds(1)))) {
            List<Socket> readers = new ArrayList<>();
            try {
                for (int i = 0; i < HOSTILE; i++) {
                    readers.add(neverReads(server.port()));
                }
                StatsSnapshot s = server.await("the 4 readers that never read closed", BOUND,
                        st -> st.closedFor(CloseReason.SLOW_CONSUMER) + st.closedFor(CloseReason.WRITE_TIMEOUT) == HOSTILE);
                assertThat(reasons(s).keySet()).isSubsetOf(Set.of(CloseReason.SLOW_CONSUMER, CloseReason.WRITE_TIMEOUT));
                assertThat(askFresh(server, "still here", BOUND)).isEqualTo("STILL HERE");
            } finally {
                for (Socket r : readers) {
                    r.close();
                }
            }
        }
    }

    /**
     * Pass: 4 slowloris clients, one byte every 100 ms and never a newline (so the 10 s idle
     * timeout never fires), are each closed MESSAGE_TIMEOUT (500 ms here) and for no other reason;
     * a fresh client is then answered.
     */
    @ParameterizedTest
    @MethodSource("models")
    void slowlorisIsClosedByTheMessageTimeout(String model) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        List<Thread> tricklers = new ArrayList<>();
        try (RunningServer server = start(model, b -> b.messageTimeout(Duration.ofMillis(500)))) {
            try {
                for (int i = 0; i < HOSTILE; i++) {
                    tricklers.add(trickle(server.port(), stop));
                }
                StatsSnapshot s = server.await("the 4 slowloris clients closed", BOUND,
                        st -> st.closedFor(CloseReason.MESSAGE_TIMEOUT) == HOSTILE);
                assertThat(reasons(s).keySet()).containsOnly(CloseReason.MESSAGE_TIMEOUT);
                assertThat(askFresh(server, "still here", BOUND)).isEqualTo("STILL HERE");
            } finally {
                stop.countDown();
                for (Thread t : tricklers) {
                    t.join(BOUND);
                }
            }
        }
    }

    /**
     * Pass: 10,000 messages pipelined on one connection (written in large batches by one thread
     * while another reads) are all answered, each right, in order, and counted.
     */
    @ParameterizedTest
    @MethodSource("models")
    void aFloodOfPipelinedMessagesIsAnsweredInOrder(String model) throws Exception {
        int messages = load(model).floodMessages();
        try (RunningServer server = start(model)) {
            try (LineClient client = server.connect()) {
                CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
                    // the client's output only: the test thread reads its input meanwhile
                    StringBuilder batch = new StringBuilder();
                    for (int i = 0; i < messages; i++) {
                        batch.append("flood ").append(i).append('\n');
                        if (batch.length() > 32 * 1024 || i == messages - 1) {
                            client.send(batch.toString());
                            batch.setLength(0);
                        }
                    }
                });
                for (int i = 0; i < messages; i++) {
                    String reply = client.readLine();
                    if (!reply.equals("FLOOD " + i)) {
                        throw new AssertionError("reply " + i + " was '" + reply + "'");
                    }
                }
                writes.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            }
            // after the close: process-per-connection counts a connection's messages when its child exits
            server.await("every message counted", BOUND, s -> s.closed() == 1 && s.messages() == messages);
        }
    }

    /**
     * Pass: 8 clients that each send 256 KiB of random bytes (some lines, most of them longer than
     * the 256-byte maximum) and then half-close are all closed, as PROTOCOL_ERROR or PEER_CLOSED
     * and for no other reason (no SERVER_ERROR); none is left open, and a fresh client is answered.
     */
    @ParameterizedTest
    @MethodSource("models")
    void randomGarbageEndsOnlyItsOwnConnection(String model) throws Exception {
        int clients = 8;
        try (RunningServer server = start(model, b -> b.maxMessageBytes(256))) {
            List<CompletableFuture<Void>> garbage = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                long seed = 1_000 + c;
                garbage.add(CompletableFuture.runAsync(() -> sendGarbage(server.port(), seed)));
            }
            CompletableFuture.allOf(garbage.toArray(CompletableFuture[]::new)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
            StatsSnapshot s = server.await("every garbage connection closed", BOUND,
                    st -> st.closed() == clients && st.active() == 0);
            assertThat(reasons(s).keySet()).isSubsetOf(Set.of(CloseReason.PROTOCOL_ERROR, CloseReason.PEER_CLOSED));
            assertThat(askFresh(server, "still here", BOUND)).isEqualTo("STILL HERE");
        }
    }

    /**
     * A client that sends 16,000-byte lines as fast as the server reads them and never reads a
     * reply: its receive buffer is small, so replies back up soon (long lines fill the server's
     * send buffer in few writes). The sending thread ends when the server closes the socket.
     */
    private static Socket neverReads(int port) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        byte[] line = new byte[16_000];
        Arrays.fill(line, (byte) 'r');
        line[line.length - 1] = '\n';
        OutputStream out = socket.getOutputStream();
        Thread.ofVirtual().name("never-reads-" + socket.getLocalPort()).start(() -> {
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
     * A client that sends one byte every 100 ms and never a newline, until the server closes it or
     * {@code stop}; the pace is a wait on {@code stop}, not a sleep.
     */
    private static Thread trickle(int port, CountDownLatch stop) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        return Thread.ofVirtual().name("slowloris-" + socket.getLocalPort()).start(() -> {
            try (socket) {
                OutputStream out = socket.getOutputStream();
                do {
                    out.write('s');
                    out.flush();
                } while (!stop.await(100, TimeUnit.MILLISECONDS));
            } catch (IOException | InterruptedException e) {
                // closed by the server: done
            }
        });
    }

    /**
     * Sends 256 KiB of random bytes from {@code seed} on a virtual thread, half-closes, and reads
     * (and drops) everything the server sends until it closes; a reset ends it too.
     */
    private static void sendGarbage(int port, long seed) {
        byte[] bytes = new byte[256 * 1024];
        new Random(seed).nextBytes(bytes);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(LineClient.READ_TIMEOUT_MS);
            Thread sender = Thread.ofVirtual().name("garbage-" + seed).start(() -> {
                try {
                    socket.getOutputStream().write(bytes);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // the server closed on a protocol error: the rest is not needed
                }
            });
            InputStream in = socket.getInputStream();
            byte[] discard = new byte[8192];
            try {
                while (in.read(discard) >= 0) {
                    // drop the replies
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("garbage client " + seed + ": the server neither answered nor closed", e);
            } catch (IOException e) {
                // reset after the server's close: an end too
            }
            sender.join(BOUND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
