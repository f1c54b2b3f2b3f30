package dev.turnstile.posix;

import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A connection accepted by a {@link Listener}: its descriptor (blocking, close-on-exec) and both
 * ends' addresses. The acceptor owns the descriptor until it closes it, typically right after
 * handing a copy to a child process. Immutable; {@link #close} is safe to call more than once
 * only in the sense that later calls may close an unrelated descriptor that reused the number,
 * so call it once.
 */
public final class AcceptedSocket implements Closeable {

    private final int fd;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final boolean owned;

    private AcceptedSocket(int fd, InetSocketAddress remote, InetSocketAddress local, boolean owned) {
        this.fd = fd;
        this.remote = Objects.requireNonNull(remote, "remote");
        this.local = Objects.requireNonNull(local, "local");
        this.owned = owned;
    }

    /** A socket this process owns: {@link #close} closes the descriptor. */
    static AcceptedSocket owned(int fd, InetSocketAddress remote, InetSocketAddress local) {
        return new AcceptedSocket(fd, remote, local, true);
    }

    /** A description of a socket this process does not own, for test doubles: {@link #close} does nothing. */
    public static AcceptedSocket unowned(int fd, InetSocketAddress remote, InetSocketAddress local) {
        return new AcceptedSocket(fd, remote, local, false);
    }

    /** The connected socket's descriptor. */
    public int fd() {
        return fd;
    }

    /** The peer. */
    public InetSocketAddress remote() {
        return remote;
    }

    /** The address the peer connected to (the real one, also when the listener is bound to a wildcard). */
    public InetSocketAddress local() {
        return local;
    }

    /** The peer as {@code host:port}. */
    public String peer() {
        return remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }

    /** Closes this process's copy of the descriptor; errors are ignored, the descriptor is gone either way. */
    @Override
    public void close() {
        if (owned) {
            Posix.closeQuietly(fd);
        }
    }

    @Override
    public String toString() {
        return "socket fd " + fd + " from " + peer();
    }
}
