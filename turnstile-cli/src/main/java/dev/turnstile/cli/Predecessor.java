package dev.turnstile.cli;

import dev.turnstile.posix.NotifySocket;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * An upgrade without a gap, the new copy's side: the server that started us ({@link Upgrade}) and
 * waits for our {@code READY=1}. Present when {@value Upgrade#FROM} and {@value Upgrade#NOTIFY}
 * are in the environment: then our listening socket is on standard input, the pid file may name
 * the predecessor, and once we accept (and have rewritten the pid file) {@link #ready} tells it to
 * stop accepting and drain.
 *
 * <p>Not thread-safe: the main thread, once.
 */
record Predecessor(long pid, String inbox) {

    /** The predecessor named by {@code environment}, if we were started by an upgrade. */
    static Optional<Predecessor> fromEnvironment(Map<String, String> environment) {
        String from = environment.get(Upgrade.FROM);
        String inbox = environment.get(Upgrade.NOTIFY);
        if (from == null || inbox == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Predecessor(Long.parseLong(from.trim()), inbox));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(Upgrade.FROM + " is not a pid: '" + from + "'");
        }
    }

    /** Tells the predecessor we are ready, naming our pid: {@code MAINPID=<pid>} and {@code READY=1}, as systemd's protocol says it. */
    void ready(long ourPid) throws IOException {
        try (NotifySocket socket = NotifySocket.open(inbox)) {
            socket.send("MAINPID=" + ourPid + "\nREADY=1");
        }
    }
}
