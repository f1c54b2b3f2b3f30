package dev.turnstile.cli;

import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;
import dev.turnstile.posix.NotifySocket;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells systemd (or any supervisor that sets {@code NOTIFY_SOCKET}) how {@code serve} is doing,
 * as {@code sd_notify(3)} does: {@code READY=1} with {@code MAINPID} once the model accepts,
 * {@code STATUS=} lines (open connections, accepted, workers) every {@link #STATUS_EVERY},
 * {@code WATCHDOG=1} every half of {@code WATCHDOG_USEC} when that is set for us
 * ({@code WATCHDOG_PID} unset or ours), and {@code STOPPING=1} when the stop begins, unless the
 * stop is an upgrade's: then the new copy has sent its own {@code MAINPID} and {@code READY=1},
 * and a {@code STOPPING=1} (accepted from any process of the unit with {@code NotifyAccess=all})
 * would stop the unit; the old server says nothing more ({@link #handedOver}).
 * Without {@code NOTIFY_SOCKET} every call does nothing.
 *
 * <p>The watchdog ping comes from the timer thread only while the model has not stopped by
 * itself: a model that failed stops the pings and lets systemd's watchdog restart the unit. A
 * failed send is reported once on stderr; it never stops the server.
 *
 * <p>Thread-safety: {@link #ready} and {@link #stopping} from the main thread; the timer runs
 * on one daemon thread, "turnstile-notify". {@link #close} stops the timer and the socket.
 */
final class SystemdNotifier implements AutoCloseable {

    static final Duration STATUS_EVERY = Duration.ofSeconds(5);

    private final Optional<NotifySocket> socket;
    private final Optional<Duration> watchdog;
    private final long pid;
    private volatile ScheduledExecutorService timer; // set once in ready()
    private volatile boolean warned;

    private SystemdNotifier(Optional<NotifySocket> socket, Optional<Duration> watchdog, long pid) {
        this.socket = socket;
        this.watchdog = watchdog;
        this.pid = pid;
    }

    static SystemdNotifier fromEnvironment(Map<String, String> environment, long pid) throws IOException {
        return new SystemdNotifier(NotifySocket.fromEnvironment(environment), watchdogInterval(environment, pid), pid);
    }

    /** {@code WATCHDOG_USEC} if it is meant for {@code pid}; ignored (with a log line) if not a positive count. */
    static Optional<Duration> watchdogInterval(Map<String, String> environment, long pid) {
        String usec = environment.get("WATCHDOG_USEC");
        String forPid = environment.get("WATCHDOG_PID");
        if (usec == null || (forPid != null && !forPid.trim().equals(Long.toString(pid)))) {
            return Optional.empty();
        }
        try {
            long micros = Long.parseLong(usec.trim());
            return micros > 0 ? Optional.of(Duration.ofNanos(micros * 1000)) : Optional.empty();
        } catch (NumberFormatException e) {
            System.err.println("turnstile: WATCHDOG_USEC is not a number ('" + usec + "'); no watchdog pings");
            return Optional.empty();
        }
    }

    /** Whether a supervisor listens at all. */
    boolean enabled() {
        return socket.isPresent();
    }

    /** {@code READY=1}, {@code MAINPID} and a first status; then starts the status and watchdog timer. */
    void ready(Server server) {
        if (socket.isEmpty()) {
            return;
        }
        send("MAINPID=" + pid + "\nREADY=1\nSTATUS=" + status(server)); // MAINPID first: after an upgrade it moves the unit to us
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("turnstile-notify").unstarted(r));
        t.scheduleAtFixedRate(() -> send("STATUS=" + status(server)), STATUS_EVERY.toMillis(), STATUS_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        watchdog.ifPresent(interval -> {
            long half = Math.max(1, interval.toMillis() / 2);
            t.scheduleAtFixedRate(() -> {
                if (server.failure().isEmpty()) {
                    send("WATCHDOG=1");
                }
            }, 0, half, TimeUnit.MILLISECONDS);
        });
        timer = t;
    }

    /** The stop is an upgrade's: no more status or watchdog from this process, and no {@code STOPPING=1}. */
    void handedOver() {
        ScheduledExecutorService t = timer;
        if (t != null) {
            t.shutdownNow();
        }
    }

    /**
     * {@code RELOADING=1} with {@code MONOTONIC_USEC} (CLOCK_MONOTONIC, which {@link System#nanoTime}
     * reads on Linux), as {@code Type=notify-reload} expects; {@link #reloaded} follows.
     */
    void reloading() {
        if (socket.isPresent()) {
            send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=reloading");
        }
    }

    /** {@code READY=1} again once a reload is done (or refused). */
    void reloaded(Server server) {
        if (socket.isPresent()) {
            send("READY=1\nSTATUS=" + status(server));
        }
    }

    /** {@code STOPPING=1}: the stop has begun (the drain may take a while). */
    void stopping() {
        if (socket.isPresent()) {
            send("STOPPING=1\nSTATUS=stopping: draining open connections");
        }
    }

    /** What the {@code STATUS=} line says, such as "serving 127.0.0.1:20446 (thread-pool): 3 open, 120 accepted, 4 workers". */
    static String status(Server server) {
        StatsSnapshot s = server.snapshot();
        int workers = s.poolSize() >= 0 ? s.poolSize() : s.workers().size();
        return "serving " + server.address().getAddress().getHostAddress() + ":" + server.port() + " ("
                + server.modelName() + "): " + s.active() + " open, " + s.accepted() + " accepted, " + workers
                + (workers == 1 ? " worker" : " workers");
    }

    private void send(String message) {
        try {
            socket.orElseThrow().send(message);
        } catch (IOException | RuntimeException e) {
            if (!warned) { // once: a supervisor that went away would otherwise fill the log every tick
                warned = true;
                System.err.println("turnstile: cannot tell the supervisor '" + message.lines().findFirst().orElse("")
                        + "': " + e + " (further failures are not reported)");
            }
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService t = timer;
        if (t != null) {
            t.shutdownNow();
        }
        socket.ifPresent(NotifySocket::close);
    }
}
