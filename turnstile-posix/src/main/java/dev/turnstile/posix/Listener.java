package dev.turnstile.posix;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A listening TCP socket known by its descriptor, so that it can be handed to child processes or
 * polled. {@link Posix#listen} makes the real one; tests of the masters use a double.
 */
public interface Listener extends Closeable {

    /** The descriptor, for {@link Spawn#stdin(int)} and for {@link Processes#await}. */
    int fd();

    /** The bound address, with the real port when port 0 was asked for. */
    InetSocketAddress localAddress();

    /**
     * Takes one pending connection, or returns null if none is pending (the listener is
     * non-blocking) or the listener is only bound, not listening.
     */
    AcceptedSocket accept() throws IOException;

    /**
     * Seals the socket before a stop ({@link SynFilter}): the kernel queues no new connection, what
     * it queued stays to be accepted, by this process or by the children that share the socket.
     * Returns false, doing nothing, for a socket this process did not open (inherited: the seal
     * would outlive it in whoever passed it) or one that only reserves a port.
     */
    default boolean seal() throws IOException {
        return false;
    }

    /** Closes this process's copy of the listening socket. Children that inherited it keep theirs. */
    @Override
    void close();
}
