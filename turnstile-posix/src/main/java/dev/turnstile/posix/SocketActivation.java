package dev.turnstile.posix;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * systemd's socket-activation contract ({@code sd_listen_fds(3)}), read from the environment:
 * when {@code LISTEN_PID} is this process's pid, {@code LISTEN_FDS} descriptors from 3 on are
 * sockets systemd (or {@code systemd-socket-activate}, or any supervisor following the contract)
 * opened for us, named by the colon-separated {@code LISTEN_FDNAMES} (systemd's
 * {@code FileDescriptorName=}, by default the socket unit's name).
 *
 * <p><b>Which one is served.</b> turnstile serves one listening socket. With one passed socket,
 * that one, whatever its name. With several, the one named by the caller
 * ({@code --socket-name}); with several and no name, the one named {@value #DEFAULT_NAME}, else
 * none: {@link #choose} fails listing the names, rather than guess.
 *
 * <p><b>Where it goes.</b> {@link #moveToStandardInput} dup2's the chosen socket onto
 * descriptor 0, where the JDK's {@link System#inheritedChannel()} (which looks at descriptor 0
 * only) turns it into a {@link java.nio.channels.ServerSocketChannel} for the in-process models,
 * and where the process models take it with {@link Posix#inheritedListener}. So a socket from
 * systemd and one from inetd ({@code wait} style, the listening socket on standard input) are
 * served the same way. It must run before anything in the JVM calls {@code inheritedChannel()},
 * since the JDK looks once and remembers.
 *
 * <p>Stateless and thread-safe; the descriptors are the process's, so {@link #moveToStandardInput}
 * is for the main thread at start, once.
 */
public final class SocketActivation {

    /** The name a socket gets by default in {@code turnstile.socket} ({@code FileDescriptorName=turnstile}). */
    public static final String DEFAULT_NAME = "turnstile";

    /** The first passed descriptor: {@code SD_LISTEN_FDS_START}. */
    static final int FIRST_FD = 3;

    /** One passed descriptor and its name ("unknown" when {@code LISTEN_FDNAMES} does not name it, as systemd says). */
    public record PassedSocket(int fd, String name) {
    }

    private SocketActivation() {
    }

    /**
     * The sockets passed to {@code pid} by {@code environment}; empty if none were, or if they
     * were meant for another process ({@code LISTEN_PID} differs, as in a child that inherited the
     * environment).
     *
     * @throws IllegalArgumentException if {@code LISTEN_PID} names us but {@code LISTEN_FDS} is not a count
     */
    public static List<PassedSocket> passed(Map<String, String> environment, long pid) {
        String listenPid = environment.get("LISTEN_PID");
        String listenFds = environment.get("LISTEN_FDS");
        if (listenPid == null || listenFds == null || !listenPid.trim().equals(Long.toString(pid))) {
            return List.of();
        }
        int count;
        try {
            count = Integer.parseInt(listenFds.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LISTEN_FDS is not a number: '" + listenFds + "'");
        }
        if (count < 0) {
            throw new IllegalArgumentException("LISTEN_FDS must be >= 0 (got " + count + ")");
        }
        String names = environment.get("LISTEN_FDNAMES");
        String[] split = names == null ? new String[0] : names.split(":", -1);
        List<PassedSocket> passed = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = split.length == count && !split[i].isEmpty() ? split[i] : "unknown";
            passed.add(new PassedSocket(FIRST_FD + i, name));
        }
        return List.copyOf(passed);
    }

    /**
     * The socket to serve among {@code passed}: the one named {@code wanted} if given; else the
     * only one; else the one named {@value #DEFAULT_NAME}.
     *
     * @throws IllegalArgumentException naming the passed sockets when none fits
     */
    public static PassedSocket choose(List<PassedSocket> passed, Optional<String> wanted) {
        if (passed.isEmpty()) {
            throw new IllegalArgumentException("no socket was passed (LISTEN_FDS/LISTEN_PID do not name this process)");
        }
        if (wanted.isPresent()) {
            return passed.stream().filter(s -> s.name().equals(wanted.get())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no passed socket is named '" + wanted.get()
                            + "' (passed: " + describe(passed) + ")"));
        }
        if (passed.size() == 1) {
            return passed.getFirst();
        }
        return passed.stream().filter(s -> s.name().equals(DEFAULT_NAME)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(passed.size() + " sockets were passed (" + describe(passed)
                        + "): name the one to serve with --socket-name, or name one '" + DEFAULT_NAME
                        + "' (FileDescriptorName=" + DEFAULT_NAME + ")"));
    }

    /**
     * Makes {@code chosen} this process's standard input and closes its original descriptor; the
     * other passed sockets stay open but close-on-exec, so no child inherits them.
     *
     * @throws IOException if {@code chosen} is not a listening stream socket (systemd's
     *                     {@code Accept=yes} passes connections, not listeners: turnstile wants
     *                     {@code Accept=no})
     */
    public static void moveToStandardInput(PassedSocket chosen, List<PassedSocket> passed) throws IOException {
        Posix.requireSupported();
        NativeListener.requireListeningStream(chosen.fd());
        Libc.dup2(chosen.fd(), 0);
        Posix.closeQuietly(chosen.fd());
        for (PassedSocket other : passed) {
            if (other.fd() != chosen.fd()) {
                Libc.setCloseOnExec(other.fd());
            }
        }
    }

    /** Checks that standard input is a listening stream socket, as inetd's {@code wait} style leaves it. */
    public static void requireListeningStandardInput() throws IOException {
        Posix.requireSupported();
        NativeListener.requireListeningStream(0);
    }

    private static String describe(List<PassedSocket> passed) {
        return String.join(", ", passed.stream().map(s -> "fd " + s.fd() + " '" + s.name() + "'").toList());
    }
}
