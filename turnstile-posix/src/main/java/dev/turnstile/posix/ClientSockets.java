package dev.turnstile.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One thread's non-blocking TCP client sockets, by descriptor, and the epoll set that watches
 * them: what a load generator's loop does per message (a wait's share, a send, a read) is one
 * downcall each, with no allocation, no lock and no lookup. Sends and reads are critical downcalls
 * (no thread-state transition: a non-blocking call on a socket returns within microseconds) from
 * and into native memory given by address, such as a direct buffer's. Each socket is registered
 * under the caller's token, an int, which {@link #await} reports with its events.
 *
 * <p>A socket is watched for {@link #READABLE} always, and for {@link #WRITABLE} while connecting
 * and while the caller asks ({@link #watch}); the wait is level-triggered. Closing a socket
 * ({@link #close(int)}) also removes it from the set.
 *
 * <p><b>Thread-safety.</b> Confined to one thread at a time: the calls share this object's native
 * memory (errno, one event, the wait's events). It may be made on one thread and handed to
 * another with a happens-before edge, as a loop thread's start is.
 */
public final class ClientSockets implements AutoCloseable {

    /** Event bits {@link #ready} reports: data or end of stream to read; room to send (or a connect ended). */
    public static final int READABLE = Libc.EPOLLIN, WRITABLE = Libc.EPOLLOUT;
    /** Event bits reported whether asked for or not: an error on the socket; the peer hung up. */
    public static final int ERROR = Libc.EPOLLERR, HANG_UP = Libc.EPOLLHUP;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment state;   // errno of the last call
    private final MemorySegment event;   // the one epoll_event epoll_ctl reads
    private final MemorySegment events;  // what epoll_wait fills
    private final int capacity;
    private final int epoll;

    /** @param capacity the most events one {@link #await} reports */
    public ClientSockets(int capacity) throws PosixException {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 (got " + capacity + ")");
        }
        this.capacity = capacity;
        this.state = Libc.callState(arena);
        this.event = arena.allocate(Libc.EPOLL_EVENT_BYTES, 8);
        this.events = arena.allocate(Libc.EPOLL_EVENT_BYTES * capacity, 8);
        try {
            this.epoll = Libc.epollCreate();
        } catch (PosixException e) {
            arena.close();
            throw e;
        }
    }

    /** The native address of a direct buffer's first byte (index 0, whatever its position), for {@link #read} and {@link #send}. */
    public static long addressOf(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer: it has no fixed native address");
        }
        return MemorySegment.ofBuffer(direct.duplicate().clear()).address(); // a segment starts at the position
    }

    /**
     * Opens a non-blocking socket with TCP_NODELAY, binds it to {@code source} (port 0, with
     * SO_REUSEADDR) unless that is null, starts connecting it to {@code target} and watches it
     * under {@code token}; the connect has ended when it is {@link #WRITABLE} (or in {@link #ERROR}),
     * and {@link #finishConnect} says how.
     *
     * @return the socket's descriptor
     */
    public int connect(InetSocketAddress target, InetAddress source, int token) throws PosixException {
        int fd = Libc.socket(SocketAddresses.family(target), Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
        try (Arena call = Arena.ofConfined()) {
            Libc.setIntOption(fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, 1);
            if (source != null) {
                Libc.setIntOption(fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1);
                Libc.bind(fd, SocketAddresses.encode(new InetSocketAddress(source, 0), call));
            }
            if (Libc.connect(state, fd, SocketAddresses.encode(target, call)) < 0) {
                int errno = Libc.errno(state);
                if (errno != Libc.EINPROGRESS) {
                    throw new PosixException("connect", errno);
                }
            }
            control(Libc.EPOLL_CTL_ADD, fd, token, READABLE | WRITABLE);
            return fd;
        } catch (PosixException | RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /**
     * After a connecting socket was reported: throws the connect's error (such as "Connection
     * refused") if it failed; else the socket is connected and from now on watched for
     * {@link #READABLE} only.
     */
    public void finishConnect(int fd, int token) throws PosixException {
        int error = Libc.getIntOption(fd, Libc.SOL_SOCKET, Libc.SO_ERROR);
        if (error != 0) {
            throw new PosixException("connect", error);
        }
        watch(fd, token, false);
    }

    /** Watches the socket for {@link #READABLE}, and for {@link #WRITABLE} too if {@code writable}. */
    public void watch(int fd, int token, boolean writable) throws PosixException {
        control(Libc.EPOLL_CTL_MOD, fd, token, writable ? READABLE | WRITABLE : READABLE);
    }

    /**
     * Reads up to {@code length} bytes into native memory at {@code address}.
     *
     * @return the count read; 0 if nothing is there now; -1 at the end of the stream
     * @throws PosixException if the read failed, such as for a reset
     */
    public int read(int fd, long address, int length) throws PosixException {
        while (true) {
            long n = Libc.readNow(state, fd, address, length);
            if (n > 0) {
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            int errno = Libc.errno(state);
            if (errno == PosixException.EAGAIN) {
                return 0;
            }
            if (errno != PosixException.EINTR) {
                throw new PosixException("read", errno);
            }
        }
    }

    /**
     * Sends up to {@code length} bytes from native memory at {@code address}.
     *
     * @return the count sent; 0 if the socket has no room now
     * @throws PosixException if the send failed, such as for a reset or a peer that is gone
     */
    public int send(int fd, long address, int length) throws PosixException {
        while (true) {
            long n = Libc.sendNow(state, fd, address, length);
            if (n >= 0) {
                return (int) n;
            }
            int errno = Libc.errno(state);
            if (errno == PosixException.EAGAIN) {
                return 0;
            }
            if (errno != PosixException.EINTR) {
                throw new PosixException("send", errno);
            }
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (0: does not wait) for watched sockets to be ready.
     *
     * @return how many are; their tokens and events are {@link #token}(i) and {@link #ready}(i)
     *         until the next call; 0 if the wait timed out or a signal interrupted it
     */
    public int await(int timeoutMillis) throws PosixException {
        int n = Libc.epollWait(state, epoll, events, capacity, timeoutMillis);
        if (n < 0) {
            int errno = Libc.errno(state);
            if (errno == PosixException.EINTR) {
                return 0;
            }
            throw new PosixException("epoll_wait", errno);
        }
        return n;
    }

    /** The token of the {@code i}th socket the last {@link #await} reported. */
    public int token(int i) {
        return (int) events.get(ValueLayout.JAVA_LONG_UNALIGNED, i * Libc.EPOLL_EVENT_BYTES + Libc.EPOLL_DATA_OFFSET);
    }

    /** The events of the {@code i}th socket the last {@link #await} reported: bits of {@link #READABLE} and the others. */
    public int ready(int i) {
        return events.get(ValueLayout.JAVA_INT_UNALIGNED, i * Libc.EPOLL_EVENT_BYTES);
    }

    /** Closes a socket, which leaves the set with it. */
    public void close(int fd) throws PosixException {
        Libc.close(fd);
    }

    /** Closes the epoll set and frees the native memory; the sockets are the caller's to close. */
    @Override
    public void close() throws PosixException {
        try {
            Libc.close(epoll);
        } finally {
            arena.close();
        }
    }

    private void control(int op, int fd, int token, int interest) throws PosixException {
        event.set(ValueLayout.JAVA_INT_UNALIGNED, 0, interest);
        event.set(ValueLayout.JAVA_LONG_UNALIGNED, Libc.EPOLL_DATA_OFFSET, token);
        if (Libc.epollCtl(state, epoll, op, fd, event) < 0) {
            throw new PosixException("epoll_ctl", Libc.errno(state));
        }
    }

    private static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (PosixException e) {
            // a socket that failed to connect: nothing more to release or to report
        }
    }
}
