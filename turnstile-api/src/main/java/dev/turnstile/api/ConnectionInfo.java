package dev.turnstile.api;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Who a connection is and who serves it.
 *
 * @param id       unique within one server, in accept order, starting at 1
 * @param remote   the peer's address
 * @param local    the address the peer connected to
 * @param worker   the name of the worker that runs this connection for its whole life: a thread,
 *                 pool slot, event loop or process, such as {@code worker-2}
 */
public record ConnectionInfo(long id, InetSocketAddress remote, InetSocketAddress local, String worker) {

    public ConnectionInfo {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(worker, "worker");
    }

    /** The peer as {@code host:port}, the way logs and transcripts print it. */
    public String peer() {
        return remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
}
