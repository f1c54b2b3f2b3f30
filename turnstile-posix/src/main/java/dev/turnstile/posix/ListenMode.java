package dev.turnstile.posix;

/**
 * How {@link Posix#listen} opens its socket.
 *
 * <ul>
 * <li>{@link #SHARED}: blocking, for worker processes that inherit it and block in accept().</li>
 * <li>{@link #POLLED}: non-blocking, for a master that polls it and accepts itself; never shared.</li>
 * <li>{@link #REUSE_PORT_RESERVATION}: bound with SO_REUSEPORT but not listening: holds the port
 *     (and picks it, for port 0) while each worker binds and listens on its own SO_REUSEPORT socket.
 *     A socket that does not listen is not in the kernel's reuseport group, so it is never given a connection.</li>
 * <li>{@link #REUSE_PORT}: blocking, bound with SO_REUSEPORT and listening: one pool worker's own
 *     socket in the port's reuseport group, beside the master's reservation.</li>
 * </ul>
 */
public enum ListenMode {
    SHARED(false, false, true),
    POLLED(true, false, true),
    REUSE_PORT_RESERVATION(false, true, false),
    REUSE_PORT(false, true, true);

    private final boolean nonBlocking;
    private final boolean reusePort;
    private final boolean listens;

    ListenMode(boolean nonBlocking, boolean reusePort, boolean listens) {
        this.nonBlocking = nonBlocking;
        this.reusePort = reusePort;
        this.listens = listens;
    }

    boolean nonBlocking() {
        return nonBlocking;
    }

    boolean reusePort() {
        return reusePort;
    }

    boolean listens() {
        return listens;
    }
}
