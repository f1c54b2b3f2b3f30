package dev.turnstile.posix;

import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Supplier;

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
    private final Supplier<PeerState> peer; // an unowned socket's stand-in for the look at the real one

    private AcceptedSocket(int fd, InetSocketAddress remote, InetSocketAddress local, boolean owned,
                           Supplier<PeerState> peer) {
        this.fd = fd;
        this.remote = Objects.requireNonNull(remote, "remote");
        this.local = Objects.requireNonNull(local, "local");
        this.owned = owned;
        this.peer = Objects.requireNonNull(peer, "peer");
    }

    /** A socket this process owns: {@link #close} closes the descriptor. */
    static AcceptedSocket owned(int fd, InetSocketAddress remote, InetSocketAddress local) {
        return new AcceptedSocket(fd, remote, local, true, () -> PeerState.SENT);
    }

    /**
     * A description of a socket this process does not own, for test doubles: {@link #close} does
     * nothing; its peer has sent something and stays ({@link PeerState#SENT}).
     */
    public static AcceptedSocket unowned(int fd, InetSocketAddress remote, InetSocketAddress local) {
        return unowned(fd, remote, local, () -> PeerState.SENT);
    }

    /** As {@link #unowned(int, InetSocketAddress, InetSocketAddress)}, with {@link #peerState()} answered by {@code peer}. */
    public static AcceptedSocket unowned(int fd, InetSocketAddress remote, InetSocketAddress local,
                                         Supplier<PeerState> peer) {
        return new AcceptedSocket(fd, remote, local, false, peer);
    }

    /**
     * Looks at the connection without taking anything from it (recv with MSG_PEEK | MSG_DONTWAIT,
     * one byte): {@link PeerState#SENT} if a byte waits, {@link PeerState#SILENT} if nothing has
     * arrived, {@link PeerState#CLOSED} at end of stream with nothing unread,
     * {@link PeerState#RESET} on a reset or other error. Whatever
     * the peer sent stays for the reader. A peer that shut down only its sending side without
     * sending anything looks {@link PeerState#CLOSED} too: TCP cannot tell it from a full close.
     */
    public PeerState peerState() {
        if (!owned) {
            return peer.get();
        }
        try {
            return switch (Libc.peekByte(fd)) {
                case 0 -> PeerState.CLOSED;
                case 1 -> PeerState.SENT;
                default -> PeerState.SILENT;
            };
        } catch (PosixException e) {
            return PeerState.RESET;
        }
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
