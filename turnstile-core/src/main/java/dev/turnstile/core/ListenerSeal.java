package dev.turnstile.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * How this platform stops the kernel from queueing new connections on a listening socket that
 * stays open: the first half of a stop that resets nothing ({@link ListenerDrain}). Closing a
 * listening socket resets every connection the kernel completed for it and nobody accepted yet,
 * and a client that already sent its request (a proxy, typically) cannot retry it elsewhere; a
 * sealed socket takes no new connection (their SYNs are dropped, so the client retries and is
 * refused once the socket is closed) while its acceptors take what is queued.
 *
 * <p>A service found through {@link java.util.ServiceLoader}: turnstile-posix provides it on
 * Linux (a socket filter, SO_ATTACH_FILTER). Without a provider a stop closes at once, as it
 * always did. Implementations are thread-safe.
 */
public interface ListenerSeal {

    /**
     * The listening sockets of this process bound to {@code address} (one, or one per loop when
     * they share the port with SO_REUSEPORT), or empty if there is none or this platform cannot
     * seal. The caller must {@link Queue#close} the result before it closes the listeners.
     */
    Optional<Queue> find(InetSocketAddress address) throws IOException;

    /** The accept queues of the listening sockets {@link #find} found. Used by one thread. */
    interface Queue extends AutoCloseable {

        /** Drops every new connection from now on; what is queued stays queued. */
        void seal() throws IOException;

        /** True if the sockets are sealed, by this process or another that shares them. */
        boolean isSealed() throws IOException;

        /** True if no connection is waiting to be accepted. */
        boolean empty() throws IOException;

        /** Lets go of the sockets (descriptors held to look at them), without closing the listeners. */
        @Override
        void close();
    }
}
