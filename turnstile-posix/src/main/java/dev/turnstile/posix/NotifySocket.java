package dev.turnstile.posix;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The sending side of systemd's readiness protocol ({@code sd_notify(3)}): one AF_UNIX datagram
 * per message, newline-separated {@code KEY=VALUE} lines such as {@code READY=1}, to the socket
 * named by {@code NOTIFY_SOCKET}: a file system path, or with a leading '@' an abstract name.
 *
 * <p>Why native: the JDK's {@link java.nio.channels.DatagramChannel} has no AF_UNIX support
 * (through JDK 25, {@code DatagramChannel.open(StandardProtocolFamily.UNIX)} throws
 * UnsupportedOperationException; only stream channels speak UNIX), so this is
 * socket(AF_UNIX, SOCK_DGRAM)/sendto(2) through java.lang.foreign.
 *
 * <p>Thread-safety: {@link #send} from any thread (each call is one sendto on a descriptor that
 * never changes); {@link #close} once, after the last send.
 */
public final class NotifySocket implements Closeable {

    private final int fd;
    private final String target;
    private final byte[] address; // a sockaddr_un, its exact length

    private NotifySocket(int fd, String target, byte[] address) {
        this.fd = fd;
        this.target = target;
        this.address = address;
    }

    /**
     * A client for the {@code NOTIFY_SOCKET} in {@code environment}, or empty when it is not set
     * (not started by systemd with {@code Type=notify}).
     *
     * @throws IllegalArgumentException if it is set to something other than a path or '@' name
     */
    public static Optional<NotifySocket> fromEnvironment(Map<String, String> environment) throws IOException {
        String target = environment.get("NOTIFY_SOCKET");
        if (target == null || target.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(open(target));
    }

    /** A client for {@code target}: an absolute path, or '@' and an abstract name. */
    public static NotifySocket open(String target) throws IOException {
        Posix.requireSupported();
        byte[] address = UnixAddresses.encode(target);
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC);
        return new NotifySocket(fd, target, address);
    }

    /** Sends {@code message} (such as "READY=1\nSTATUS=serving") as one datagram. */
    public void send(String message) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            MemorySegment data = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, data, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            MemorySegment to = arena.allocate(address.length, 2);
            MemorySegment.copy(address, 0, to, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, address.length);
            Libc.sendto(fd, data.asSlice(0, bytes.length), to, address.length);
        } catch (PosixException e) {
            throw new IOException("cannot notify " + target + ": " + e.getMessage(), e);
        }
    }

    /** Where messages go, as NOTIFY_SOCKET gave it. */
    public String target() {
        return target;
    }

    @Override
    public void close() {
        Posix.closeQuietly(fd);
    }
}
