package dev.turnstile.posix;

import dev.turnstile.core.ListenerSeal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@link ListenerSeal} on Linux: {@link SynFilter} attached with SO_ATTACH_FILTER, the accept
 * queue looked at with poll(2).
 *
 * <p><b>Finding the socket.</b> The JDK does not say which descriptor a {@code ServerSocketChannel}
 * has (only its internals know), so the listening sockets on the port are found as an upgrade finds
 * them ({@link ListeningDescriptors}), and those bound to the address asked for are kept. Each
 * is duplicated first and checked on the duplicate, so a descriptor closed and reused meanwhile
 * is never touched; several sockets sharing the port with SO_REUSEPORT (one per loop) are all
 * found, and all belong to the one server that listens there. The duplicates keep the sockets
 * open: {@link Found#close} must run before the listeners are closed.
 *
 * <p>Thread-safety: stateless; a {@link Found} belongs to one thread.
 */
public final class SocketFilterSeal implements ListenerSeal {

    private static final Path OWN_DESCRIPTORS = Path.of("/proc/self/fd");

    /** For {@link java.util.ServiceLoader}. */
    public SocketFilterSeal() {
    }

    @Override
    public Optional<Queue> find(InetSocketAddress address) throws IOException {
        if (!Posix.supported() || !Files.isDirectory(OWN_DESCRIPTORS)) {
            return Optional.empty();
        }
        List<Integer> found = new ArrayList<>();
        try {
            for (int fd : ListeningDescriptors.onPort(address.getPort())) {
                Integer copy = listeningCopy(fd, address);
                if (copy != null) {
                    found.add(copy);
                }
            }
        } catch (IOException | RuntimeException e) {
            found.forEach(Posix::closeQuietly);
            throw e;
        }
        return found.isEmpty() ? Optional.empty() : Optional.of(new Found(found));
    }

    /** A duplicate of {@code fd} if it is (still) a socket listening on {@code address}, else null. */
    private static Integer listeningCopy(int fd, InetSocketAddress address) {
        int copy;
        try {
            copy = Libc.duplicate(fd);
        } catch (PosixException e) {
            return null; // closed since the listing
        }
        try {
            if (Libc.getIntOption(copy, Libc.SOL_SOCKET, Libc.SO_ACCEPTCONN) == 1 && sameAddress(boundTo(copy), address)) {
                return copy;
            }
        } catch (PosixException e) {
            // not a socket we can ask: not ours
        }
        Posix.closeQuietly(copy);
        return null;
    }

    private static InetSocketAddress boundTo(int fd) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bound = arena.allocate(Libc.SOCKADDR_STORAGE, 8);
            Libc.getsockname(fd, bound);
            return SocketAddresses.decode(bound);
        }
    }

    /** Same port and address; the wildcard matches the wildcard of either family (Java binds 0.0.0.0 as ::). */
    static boolean sameAddress(InetSocketAddress a, InetSocketAddress b) {
        if (a.getPort() != b.getPort()) {
            return false;
        }
        InetAddress x = a.getAddress();
        InetAddress y = b.getAddress();
        return x.isAnyLocalAddress() && y.isAnyLocalAddress() || x.equals(y);
    }

    /** Duplicates of the listening sockets found; closed by {@link #close}. */
    private static final class Found implements Queue {
        private final List<Integer> copies;
        private boolean closed;

        Found(List<Integer> copies) {
            this.copies = List.copyOf(copies);
        }

        @Override
        public void seal() throws IOException {
            for (int fd : copies) {
                Libc.attachFilter(fd, SynFilter.PROGRAM);
            }
        }

        @Override
        public boolean isSealed() throws IOException {
            for (int fd : copies) {
                if (Libc.filterLength(fd) == 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean empty() throws IOException {
            for (int fd : copies) {
                if (Libc.readableNow(fd)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                copies.forEach(Posix::closeQuietly);
            }
        }
    }
}
