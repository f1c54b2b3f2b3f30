package dev.turnstile.cli;

import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.NotifyInbox;
import dev.turnstile.posix.Posix;
import dev.turnstile.posix.Processes;
import dev.turnstile.posix.Signal;
import dev.turnstile.posix.Spawn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upgrade without a gap, the running server's side (nginx's binary upgrade, gunicorn's USR2):
 * start a new copy of this very server (the same java binary, {@code /proc/self/exe}, with the same
 * command line, {@code /proc/self/cmdline}: JVM options, class path or jar, and {@code serve}
 * arguments) on the same listening socket, and wait until it says it is ready. What the caller
 * does next (stop accepting, drain, exit) is its own graceful stop.
 *
 * <p><b>How the socket and the readiness travel.</b> The listening socket becomes the new copy's
 * standard input (posix_spawn dup2's it; every other descriptor is closed in the child), the
 * inetd-style path every model already serves ({@code --inherit-stdin}). Two variables tell the new
 * copy it is a successor: {@value #FROM} (this pid: its socket is on standard input, whatever
 * {@code --port} or {@code --socket-name} say, and it may take over the pid file) and
 * {@value #NOTIFY} (an AF_UNIX datagram socket this process bound, where the new copy sends
 * {@code READY=1} and {@code MAINPID=}, once it accepts and has written the pid file). systemd's
 * {@code LISTEN_*} variables and {@code WATCHDOG_PID} are not passed on: they name this process;
 * {@code NOTIFY_SOCKET} is, so the new copy tells systemd its {@code MAINPID} itself.
 *
 * <p><b>Failure.</b> If the new copy exits before it is ready, or is not ready within the timeout,
 * {@link #start} throws saying why, after stopping it (SIGTERM, which it handles as a graceful
 * stop, then SIGKILL after {@link #KILL_AFTER}) and reaping it; the caller goes on serving.
 *
 * <p>Not thread-safe: one upgrade at a time, from one thread ({@link UpgradeSignal} sees to it).
 */
final class Upgrade {

    /** The predecessor's pid, in the successor's environment. */
    static final String FROM = "TURNSTILE_UPGRADE_FROM";
    /** The predecessor's readiness socket, in the successor's environment. */
    static final String NOTIFY = "TURNSTILE_UPGRADE_NOTIFY";
    /** How long a new copy that failed its upgrade gets between SIGTERM and SIGKILL. */
    static final Duration KILL_AFTER = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final AtomicInteger attempts = new AtomicInteger();

    /** Where the socket to hand on is now: descriptor 0 when inherited, else the one the model bound. */
    @FunctionalInterface
    interface SocketLookup {
        int descriptor() throws IOException;
    }

    /** A new copy that said it is ready: its pid, and how long it took from the spawn. */
    record Successor(long pid, Duration took) {
    }

    private final Map<String, String> environment;
    private final long pid;
    private final SocketLookup socket;
    private final Duration timeout;

    Upgrade(Map<String, String> environment, long pid, SocketLookup socket, Duration timeout) {
        this.environment = Map.copyOf(environment);
        this.pid = pid;
        this.socket = socket;
        this.timeout = timeout;
    }

    /**
     * Starts the new copy and waits until it is ready.
     *
     * @throws IOException saying why it did not become ready (it is stopped and reaped by then)
     */
    Successor start() throws IOException {
        int fd = socket.descriptor();
        long began = System.nanoTime();
        Path inboxPath = Path.of(System.getProperty("java.io.tmpdir"),
                "turnstile-upgrade-" + pid + "-" + attempts.incrementAndGet() + ".sock");
        Files.deleteIfExists(inboxPath);
        try (NotifyInbox inbox = NotifyInbox.bind(inboxPath); Processes processes = Posix.processes()) {
            Spawn spawn = new Spawn(thisCommand(), successorEnvironment(inbox.path()), false, fd, Spawn.INHERIT,
                    Spawn.INHERIT);
            int child = processes.spawn(spawn);
            System.err.println("turnstile: upgrade: started pid " + child + " on this server's listening socket"
                    + " (descriptor " + fd + "); waiting up to " + timeout.toSeconds() + " s for it to be ready");
            long deadline = began + timeout.toNanos();
            while (true) {
                Optional<ExitStatus> exited = processes.reap(child);
                if (exited.isPresent()) {
                    throw new IOException("the new copy (pid " + child + ") exited before it was ready: " + exited.get());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    stop(processes, child);
                    throw new IOException("the new copy (pid " + child + ") was not ready within " + timeout.toMillis()
                            + " ms (--upgrade-timeout); stopped it");
                }
                Optional<String> message = inbox.receive(Duration.ofNanos(Math.min(left, POLL.toNanos())));
                if (message.isPresent() && isReady(message.get(), child)) {
                    return new Successor(child, Duration.ofNanos(System.nanoTime() - began));
                }
            }
        }
    }

    /** {@code READY=1} from {@code child}: the message must name it as {@code MAINPID}, so a stray datagram does not count. */
    static boolean isReady(String message, long child) {
        List<String> lines = message.lines().toList();
        return lines.contains("READY=1") && lines.contains("MAINPID=" + child);
    }

    /** The environment of the new copy: ours, less what names this process, plus the two upgrade variables. */
    Map<String, String> successorEnvironment(Path inbox) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        for (String own : List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "WATCHDOG_PID", FROM, NOTIFY)) {
            env.remove(own);
        }
        env.put(FROM, Long.toString(pid));
        env.put(NOTIFY, inbox.toString());
        return env;
    }

    /**
     * This process's command line, as the kernel keeps it, with argv[0] replaced by the java binary
     * that runs us ({@code /proc/self/exe}), so neither PATH nor the working directory can pick another.
     */
    static List<String> thisCommand() throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                words.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < raw.length) {
            words.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
        }
        if (words.isEmpty()) {
            throw new IOException("/proc/self/cmdline is empty: cannot start a copy of this server");
        }
        words.set(0, Path.of("/proc/self/exe").toRealPath().toString());
        return words;
    }

    /** SIGTERM (a graceful stop, if it got that far), SIGKILL after {@link #KILL_AFTER}, and reaped either way. */
    private static void stop(Processes processes, int child) throws IOException {
        processes.signal(child, Signal.TERM);
        long killAt = System.nanoTime() + KILL_AFTER.toNanos();
        boolean killed = false;
        while (processes.reap(child).isEmpty()) {
            if (!killed && System.nanoTime() - killAt > 0) {
                processes.signal(child, Signal.KILL);
                killed = true;
            }
            processes.await(POLL, -1);
        }
    }
}
