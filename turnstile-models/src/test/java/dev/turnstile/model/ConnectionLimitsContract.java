package dev.turnstile.model;

import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server-wide connection limits ({@link ConnectionLimits}), the same in every model:
 * max-connections pauses accepting and leaves the rest in the backlog; the per-source limits close
 * the excess at once and count it. Pools are sized above the limit, so the limit is what binds. A
 * subclass supplies the models as a static {@code models()}: {@link ConnectionLimitsTest} those
 * that serve in this JVM, {@code ProcessConnectionLimitsTest} those in other processes.
 */
@Timeout(120)
public abstract class ConnectionLimitsContract {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static RunningServer start(String model, ConnectionLimits limits) {
        return RunningServer.start(model, ModelContract.OPTIONS, b -> b.limits(limits));
    }

    /** Pass rule: 3 served at once, 2 wait unanswered in the backlog, each served as one closes; peak 3. */
    @ParameterizedTest
    @MethodSource("models")
    void maxConnectionsPausesAcceptingAndServesTheRestFromTheBacklog(String model) throws Exception {
        try (RunningServer server = start(model, ConnectionLimits.none().withMaxConnections(3))) {
            List<Client> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Client c = Client.connect(server.port(), "127.0.0.1");
                    clients.add(c);
                    assertThat(c.ask("first " + i)).isEqualTo("FIRST " + i);
                }
                List<CompletableFuture<String>> waiting = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    Client c = Client.connect(server.port(), "127.0.0.1"); // into the backlog: connect succeeds
                    clients.add(c);
                    c.send("late " + i);
                    waiting.add(CompletableFuture.supplyAsync(c::readLine));
                }
                assertThat(CompletableFuture.anyOf(waiting.toArray(CompletableFuture[]::new))
                        .completeOnTimeout("none", 300, TimeUnit.MILLISECONDS).get()).isEqualTo("none");
                assertThat(server.stats().accepted()).isEqualTo(3);
                assertThat(server.stats().hitsOf(ConnectionLimit.MAX_CONNECTIONS)).isEqualTo(1);

                clients.get(0).close();
                server.await("one waiting connection accepted", WAIT, s -> s.accepted() == 4);
                clients.get(1).close();
                assertThat(waiting.get(0).get(10, TimeUnit.SECONDS)).startsWith("LATE ");
                assertThat(waiting.get(1).get(10, TimeUnit.SECONDS)).startsWith("LATE ");
                assertThat(server.stats().peakActive()).isEqualTo(3);
            } finally {
                clients.forEach(Client::close);
            }
            StatsSnapshot s = server.await("all closed", WAIT, st -> st.closed() == 5);
            assertThat(s.peakActive()).isEqualTo(3);
            assertThat(s.rejected()).isZero();
        }
    }

    /** Pass rule: the 3rd connection from 127.0.0.1 is closed at once and counted; 127.0.0.2 is still served. */
    @ParameterizedTest
    @MethodSource("models")
    void maxConnectionsPerIpClosesTheExcessFromOneSourceOnly(String model) {
        try (RunningServer server = start(model, ConnectionLimits.none().withMaxConnectionsPerIp(2));
             Client a = Client.connect(server.port(), "127.0.0.1");
             Client b = Client.connect(server.port(), "127.0.0.1")) {
            assertThat(a.ask("a")).isEqualTo("A");
            assertThat(b.ask("b")).isEqualTo("B");
            try (Client third = Client.connect(server.port(), "127.0.0.1")) {
                assertThat(third.closedByServer()).isTrue();
            }
            try (Client other = Client.connect(server.port(), "127.0.0.2")) {
                assertThat(other.ask("other")).isEqualTo("OTHER");
            }
            StatsSnapshot s = server.await("the refusal counted", WAIT, st -> st.rejected() == 1);
            assertThat(s.hitsOf(ConnectionLimit.MAX_CONNECTIONS_PER_IP)).isEqualTo(1);
            assertThat(a.ask("still")).isEqualTo("STILL");
        }
    }

    /** Pass rule: of a burst of 20 from one source, about 5 (the bucket, plus what refills meanwhile) are served; the rest closed and counted. */
    @ParameterizedTest
    @MethodSource("models")
    void maxAcceptRateClosesABurstBeyondTheRate(String model) {
        int burst = 20;
        try (RunningServer server = start(model, ConnectionLimits.none().withMaxAcceptRate(5))) {
            List<Client> clients = new ArrayList<>();
            try {
                for (int i = 0; i < burst; i++) {
                    clients.add(Client.connect(server.port(), "127.0.0.1"));
                }
                int served = 0;
                for (int i = 0; i < burst; i++) {
                    if (clients.get(i).answers("c" + i)) {
                        served++;
                    }
                    clients.get(i).close(); // a pool of 4 serves the 5th admitted one when one of these goes
                }
                assertThat(served).isBetween(5, 12);
                int refused = burst - served;
                int answered = served;
                StatsSnapshot s = server.await("refusals counted, the served closed", WAIT,
                        st -> st.rejected() == refused && st.closed() == answered);
                assertThat(s.hitsOf(ConnectionLimit.MAX_ACCEPT_RATE)).isEqualTo(refused);
                assertThat(s.accepted()).isEqualTo(served);
            } finally {
                clients.forEach(Client::close);
            }
        }
    }

    /** A line client bound to a chosen loopback source address. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;

        private Client(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        static Client connect(int port, String source) {
            try {
                Socket s = new Socket();
                s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(15_000);
                return new Client(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void send(String line) {
            try {
                socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String readLine() {
            try {
                return in.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String ask(String line) {
            send(line);
            return readLine();
        }

        /** True if the line is answered; false if the server closed (end of input or reset). */
        boolean answers(String line) {
            try {
                socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                String reply = in.readLine();
                return reply != null;
            } catch (IOException e) {
                return false;
            }
        }

        /** True if the server closed within the read timeout. */
        boolean closedByServer() {
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a test client
            }
        }
    }
}
