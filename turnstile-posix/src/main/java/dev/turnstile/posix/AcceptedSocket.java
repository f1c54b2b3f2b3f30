package dev.turnstile.posix;

import java.io.Closeable;
import java.net.InetSocketAddress;

/**
 * A connection accepted by a {@link Listener}: its descriptor (blocking, close-on-exec) and both
 * ends' addresses. The acceptor owns the descriptor until it closes it, typically right after
 * handing a copy to a child process.
 *
 * @param fd     the connected socket's descriptor; negative in test doubles, which have nothing to close
 * @param remote the peer
 * @param local  the address the peer connected to (the real one, also when the listener is bound to a wildcard)
 */
public record AcceptedSocket(int fd, InetSocketAddress remote, InetSocketAddress local) implements Closeable {

    /** The peer as {@code host:port}. */
    public String peer() {
        return remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }

    /** Closes this process's copy of the descriptor; errors are ignored, the descriptor is gone either way. */
    @Override
    public void close() {
        if (fd >= 0) {
            Posix.closeQuietly(fd);
        }
    }
}
