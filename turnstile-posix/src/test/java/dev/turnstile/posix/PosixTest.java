package dev.turnstile.posix;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("process")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PosixTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private Processes processes;
    private final List<Integer> children = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        processes = Posix.processes();
    }

    @AfterEach
    void reapEverything() throws IOException {
        for (int pid : List.copyOf(children)) {
            if (reapWithin(pid, Duration.ofMillis(1)).isEmpty()) {
                processes.signal(pid, Signal.KILL);
                assertThat(reapWithin(pid, Duration.ofSeconds(5))).isPresent();
            }
        }
        processes.close();
    }

    @Test
    void listensOnAnEphemeralPortAndAcceptsWithBothAddresses() throws IOException {
        try (Listener listener = Posix.listen(ANY_LOOPBACK_PORT, 16, ListenMode.POLLED);
             Socket client = new Socket("127.0.0.1", listener.localAddress().getPort())) {
            assertThat(listener.localAddress().getPort()).isPositive();
            AcceptedSocket accepted = acceptWithin(listener, Duration.ofSeconds(5));
            try (accepted) {
                assertThat(accepted.remote().getPort()).isEqualTo(client.getLocalPort());
                assertThat(accepted.local().getPort()).isEqualTo(listener.localAddress().getPort());
                assertThat(accepted.peer()).isEqualTo("127.0.0.1:" + client.getLocalPort());
            }
        }
    }

    @Test
    void nonBlockingAcceptReturnsNullWhenNothingIsPending() throws IOException {
        try (Listener listener = Posix.listen(ANY_LOOPBACK_PORT, 16, ListenMode.POLLED)) {
            assertThat(listener.accept()).isNull();
        }
    }

    @Test
    void bindingAPortInUseNamesTheAddress() throws IOException {
        try (Listener first = Posix.listen(ANY_LOOPBACK_PORT, 16, ListenMode.SHARED)) {
            int port = first.localAddress().getPort();
            assertThatThrownBy(() -> Posix.listen(new InetSocketAddress("127.0.0.1", port), 16, ListenMode.SHARED))
                    .isInstanceOf(BindException.class)
                    .hasMessage("127.0.0.1:" + port + " is already in use");
        }
    }

    @Test
    void reusePortReservationHoldsThePortWithoutTakingConnections() throws IOException {
        try (Listener reservation = Posix.listen(ANY_LOOPBACK_PORT, 16, ListenMode.REUSE_PORT_RESERVATION)) {
            int port = reservation.localAddress().getPort();
            assertThat(port).isPositive();
            assertThatThrownBy(() -> Posix.listen(new InetSocketAddress("127.0.0.1", port), 16, ListenMode.SHARED))
                    .isInstanceOf(BindException.class);
            // no listening member yet: a connection is refused rather than queued on the reservation
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(java.net.ConnectException.class);
            assertThat(reservation.accept()).isNull();
        }
    }

    @Test
    void childServesTheConnectionOnItsStandardStreams() throws IOException {
        try (Listener listener = Posix.listen(ANY_LOOPBACK_PORT, 16, ListenMode.POLLED);
             Socket client = new Socket("127.0.0.1", listener.localAddress().getPort())) {
            client.setSoTimeout(10_000);
            try (AcceptedSocket accepted = acceptWithin(listener, Duration.ofSeconds(5))) {
                spawn(Spawn.of(List.of("sh", "-c", "read line; echo \"got $line from $PEER\""))
                        .searchPath(true).withEnvironment(Map.of("PEER", accepted.peer()))
                        .stdin(accepted.fd()).stdout(accepted.fd()));
            } // our copy is closed: only the child holds the connection now
            new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8).println("hello");
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("got hello from 127.0.0.1:" + client.getLocalPort());
            assertThat(in.readLine()).as("the child's exit closed the connection").isNull();
        }
        assertThat(reapWithin(children.getFirst(), Duration.ofSeconds(5))).contains(ExitStatus.exited(0));
    }

    @Test
    void childInheritsNoDescriptorBeyondItsStandardStreams() throws IOException {
        try (Listener listener = Posix.listen(ANY_LOOPBACK_PORT, 16, ListenMode.POLLED);
             Socket client = new Socket("127.0.0.1", listener.localAddress().getPort())) {
            client.setSoTimeout(10_000);
            try (AcceptedSocket accepted = acceptWithin(listener, Duration.ofSeconds(5))) {
                // the shell lists its own descriptors; "cd" there and the glob's directory may show as one more
                spawn(Spawn.of(List.of("sh", "-c", "cd /proc/$$/fd && echo *")).searchPath(true)
                        .stdin(accepted.fd()).stdout(accepted.fd()));
            }
            String line = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8)).readLine();
            Set<String> fds = Arrays.stream(line.trim().split(" ")).collect(Collectors.toSet());
            assertThat(fds).contains("0", "1", "2").isSubsetOf("0", "1", "2", "3");
        }
        assertThat(openDescriptorsOfThisJvm()).as("the JVM itself has many more open").isGreaterThan(4);
    }

    @Test
    void signalledChildIsReportedAsKilledAndAwaitWakesForIt() throws IOException {
        int pid = spawn(Spawn.of(List.of("sleep", "30")).searchPath(true));
        assertThat(processes.reap(pid)).isEmpty();
        processes.signal(pid, Signal.TERM);
        long started = System.nanoTime();
        Optional<ExitStatus> status = reapWithin(pid, Duration.ofSeconds(5));
        assertThat(status).hasValueSatisfying(s -> {
            assertThat(s.killedBy(Signal.TERM)).isTrue();
            assertThat(s).hasToString("killed by SIGTERM");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void exitCodeIsReported() throws IOException {
        int pid = spawn(Spawn.of(List.of("sh", "-c", "exit 7")).searchPath(true));
        assertThat(reapWithin(pid, Duration.ofSeconds(5))).contains(ExitStatus.exited(7));
    }

    @Test
    void wakeReturnsAwaitEarly() throws Exception {
        CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
            long t = System.nanoTime();
            try {
                processes.await(Duration.ofSeconds(20), -1);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return System.nanoTime() - t;
        });
        // wake until the waiter has returned: a wake before it starts waiting is remembered, so one would do
        while (!waited.isDone()) {
            processes.wake();
            Thread.onSpinWait();
        }
        assertThat(Duration.ofNanos(waited.get(5, TimeUnit.SECONDS))).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void awaitReturnsWhenTheListenerHasAConnection() throws IOException {
        try (Listener listener = Posix.listen(ANY_LOOPBACK_PORT, 16, ListenMode.POLLED);
             Socket ignored = new Socket("127.0.0.1", listener.localAddress().getPort())) {
            long t = System.nanoTime();
            processes.await(Duration.ofSeconds(20), listener.fd());
            assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(5));
            try (AcceptedSocket accepted = listener.accept()) {
                assertThat(accepted).isNotNull();
            }
        }
    }

    @Test
    void spawningAMissingProgramNamesTheCallAndTheError() {
        assertThatThrownBy(() -> spawn(Spawn.of(List.of("/nonexistent/program"))))
                .isInstanceOf(PosixException.class)
                .hasMessage("posix_spawn /nonexistent/program: No such file or directory (errno 2)");
    }

    @Test
    void failingCallBecomesAnExceptionWithTheErrnoText() {
        assertThatThrownBy(() -> Libc.close(-5))
                .isInstanceOf(PosixException.class)
                .hasMessage("close: Bad file descriptor (errno 9)")
                .satisfies(e -> assertThat(((PosixException) e).errno()).isEqualTo(PosixException.EBADF));
    }

    @Test
    void knowsItsOwnPidAndParent() {
        assertThat((long) Posix.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat((long) Posix.parentPid()).isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
    }

    @Test
    void decodesWaitStatusesAsGlibcDoes() {
        assertThat(ExitStatus.decode(0)).isEqualTo(ExitStatus.exited(0));
        assertThat(ExitStatus.decode(3 << 8)).isEqualTo(ExitStatus.exited(3));
        assertThat(ExitStatus.decode(9)).isEqualTo(ExitStatus.killed(Signal.KILL));
        assertThat(ExitStatus.decode(0x80 | 11)).hasToString("killed by SIGSEGV (core dumped)");
        assertThat(Signal.describe(42)).isEqualTo("signal 42");
    }

    private int spawn(Spawn spawn) throws IOException {
        int pid = processes.spawn(spawn);
        children.add(pid);
        return pid;
    }

    private Optional<ExitStatus> reapWithin(int pid, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Optional<ExitStatus> status = processes.reap(pid);
            long left = deadline - System.nanoTime();
            if (status.isPresent()) {
                children.remove(Integer.valueOf(pid));
            }
            if (status.isPresent() || left <= 0) {
                return status;
            }
            processes.await(Duration.ofNanos(left), -1);
        }
    }

    private AcceptedSocket acceptWithin(Listener listener, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            processes.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), listener.fd());
            AcceptedSocket s = listener.accept();
            if (s != null) {
                return s;
            }
        }
        throw new AssertionError("no connection within " + limit);
    }

    private static long openDescriptorsOfThisJvm() throws IOException {
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
