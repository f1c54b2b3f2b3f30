package dev.turnstile.posix;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The receiving side of {@link NotifySocket}: an AF_UNIX datagram socket bound to a path, to be
 * given to a child as its {@code NOTIFY_SOCKET}, as systemd does, so a supervisor (or a test) can
 * wait for the child's {@code READY=1}. The socket file is removed on {@link #close}.
 *
 * <p>Thread-safety: {@link #receive} from one thread at a time; {@link #close} once, after.
 */
public final class NotifyInbox implements Closeable {

    private static final int MAX_DATAGRAM = 4096;

    private final int fd;
    private final Path path;

    private NotifyInbox(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /** Binds a new socket at {@code path}, which must not exist yet. */
    public static NotifyInbox bind(Path path) throws IOException {
        Posix.requireSupported();
        byte[] address = UnixAddresses.encode(path.toAbsolutePath().toString());
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(address.length, 2);
            MemorySegment.copy(address, 0, a, ValueLayout.JAVA_BYTE, 0, address.length);
            Libc.bind(fd, a);
            return new NotifyInbox(fd, path.toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            Posix.closeQuietly(fd);
            throw e;
        }
    }

    /** The value to give as {@code NOTIFY_SOCKET}. */
    public Path path() {
        return path;
    }

    /** The next datagram, waiting up to {@code timeout}; empty if none came. */
    public Optional<String> receive(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(MAX_DATAGRAM);
            MemorySegment poll = arena.allocate(Libc.POLLFD_BYTES, 4);
            while (true) {
                long n = Libc.receiveNow(fd, buffer);
                if (n >= 0) {
                    return Optional.of(new String(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                poll.set(ValueLayout.JAVA_INT, 0, fd);
                poll.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
                poll.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                Libc.poll(poll, 1, (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            }
        }
    }

    @Override
    public void close() throws IOException {
        Posix.closeQuietly(fd);
        Files.deleteIfExists(path);
    }
}
