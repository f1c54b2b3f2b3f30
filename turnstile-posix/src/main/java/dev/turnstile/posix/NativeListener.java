package dev.turnstile.posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening socket made with socket/setsockopt/bind/listen, close-on-exec, so that no child
 * gets it unless it is dup2'ed onto the child's descriptor 0 on purpose.
 *
 * <p>Thread-safety: {@link #accept} from one thread at a time; {@link #close} from any thread,
 * once (later calls do nothing). close() does not shut the socket down, because worker
 * processes may share it and must keep accepting until they close their own copies.
 */
final class NativeListener implements Listener {

    private final int fd;
    private final InetSocketAddress localAddress;
    private final boolean listening;
    private final boolean owned; // opened here, not inherited
    private final AtomicBoolean closed = new AtomicBoolean();

    private NativeListener(int fd, InetSocketAddress localAddress, boolean listening, boolean owned) {
        this.fd = fd;
        this.localAddress = localAddress;
        this.listening = listening;
        this.owned = owned;
    }

    static NativeListener open(InetSocketAddress address, int backlog, ListenMode mode) throws IOException {
        if (address.isUnresolved()) {
            throw new BindException("cannot resolve host " + address.getHostString());
        }
        int type = Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC | (mode.nonBlocking() ? Libc.SOCK_NONBLOCK : 0);
        int fd = Libc.socket(SocketAddresses.family(address), type);
        try (Arena arena = Arena.ofConfined()) {
            if (mode.listens()) {
                // not for a reservation: two sockets with SO_REUSEADDR may share a port while neither
                // listens, so a reservation with it would not keep an unrelated server off the port
                Libc.setIntOption(fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1);
            }
            if (mode.reusePort()) {
                Libc.setIntOption(fd, Libc.SOL_SOCKET, Libc.SO_REUSEPORT, 1);
            }
            try {
                Libc.bind(fd, SocketAddresses.encode(address, arena));
            } catch (PosixException e) {
                String where = address.getAddress().getHostAddress() + ":" + address.getPort();
                BindException clear = new BindException(e.errno() == PosixException.EADDRINUSE
                        ? where + " is already in use" : "cannot bind " + where + ": " + e.getMessage());
                clear.initCause(e);
                throw clear;
            }
            if (mode.listens()) {
                Libc.listen(fd, backlog);
            }
            MemorySegment bound = arena.allocate(Libc.SOCKADDR_STORAGE, 8);
            Libc.getsockname(fd, bound);
            return new NativeListener(fd, SocketAddresses.decode(bound), mode.listens(), true);
        } catch (IOException | RuntimeException e) {
            Posix.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * Takes over {@code fd}, a listening TCP socket this process was given (standard input, or a
     * socket-activation descriptor), in {@code mode}'s blocking mode. Binds nothing.
     *
     * @throws IOException if {@code fd} is not a listening stream socket
     */
    static NativeListener adopt(int fd, ListenMode mode) throws IOException {
        if (!mode.listens() || mode.reusePort()) {
            throw new IllegalArgumentException("an inherited socket is served as it is: " + mode + " cannot apply");
        }
        requireListeningStream(fd);
        Libc.setNonBlocking(fd, mode.nonBlocking());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bound = arena.allocate(Libc.SOCKADDR_STORAGE, 8);
            Libc.getsockname(fd, bound);
            return new NativeListener(fd, SocketAddresses.decode(bound), true, false);
        }
    }

    /** @throws IOException naming {@code fd} if it is not a TCP-or-other stream socket in the listening state */
    static void requireListeningStream(int fd) throws IOException {
        int type;
        int listening;
        try {
            type = Libc.getIntOption(fd, Libc.SOL_SOCKET, Libc.SO_TYPE);
            listening = Libc.getIntOption(fd, Libc.SOL_SOCKET, Libc.SO_ACCEPTCONN);
        } catch (PosixException e) {
            throw new IOException("descriptor " + fd + " is not a socket (" + e.getMessage() + ")", e);
        }
        if (type != Libc.SOCK_STREAM || listening == 0) {
            throw new IOException("descriptor " + fd + " is not a listening stream socket ("
                    + (type != Libc.SOCK_STREAM ? "socket type " + type : "not listening") + ")");
        }
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public AcceptedSocket accept() throws IOException {
        if (!listening) {
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment peer = arena.allocate(Libc.SOCKADDR_STORAGE, 8);
            int connection = Libc.accept4(fd, peer, Libc.SOCK_CLOEXEC);
            if (connection < 0) {
                return null;
            }
            try {
                MemorySegment local = arena.allocate(Libc.SOCKADDR_STORAGE, 8);
                Libc.getsockname(connection, local);
                return AcceptedSocket.owned(connection, SocketAddresses.decode(peer), SocketAddresses.decode(local));
            } catch (PosixException | RuntimeException e) {
                Posix.closeQuietly(connection);
                throw e;
            }
        }
    }

    @Override
    public boolean seal() throws IOException {
        if (!listening || !owned || closed.get()) {
            return false;
        }
        Libc.attachFilter(fd, SynFilter.PROGRAM);
        return true;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Posix.closeQuietly(fd);
        }
    }

    @Override
    public String toString() {
        return "listener fd " + fd + " on " + localAddress;
    }
}
