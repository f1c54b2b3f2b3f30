package dev.turnstile.model.prefork;

import dev.turnstile.core.ListenerSeal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The seal of a pool worker's own SO_REUSEPORT socket that a worker model ({@link HostedModel})
 * serves as standard input. The model treats a socket it inherited as shared and leaves it
 * unsealed ({@link dev.turnstile.core.ListenerDrain}), which is right for the pool's shared
 * socket (the master seals that one), but this socket is the worker's alone once the master has
 * closed its copy ({@link PoolWorkerCommand#spawnFinished}): sealed here before the model stops,
 * the model's own drain sees it sealed and takes what the kernel queued on it before the close,
 * instead of resetting it. The model's drain is not duplicated: only the seal is added.
 *
 * <p>Stateless; {@link #seal} is called from whichever thread stops the worker.
 */
final class OwnSocketSeal {

    private static final Logger log = LoggerFactory.getLogger(OwnSocketSeal.class);

    private OwnSocketSeal() {
    }

    /** Seals {@code listener}, if this platform can; a failure is logged (the stop then closes as before). */
    static void seal(ServerSocketChannel listener) {
        try {
            if (!listener.isOpen()) {
                return;
            }
            Optional<ListenerSeal> seal = ServiceLoader.load(ListenerSeal.class).findFirst();
            if (seal.isEmpty()) {
                return; // the model's drain logs that there is no seal here
            }
            Optional<ListenerSeal.Queue> found = seal.get().find((InetSocketAddress) listener.getLocalAddress());
            if (found.isPresent()) {
                try (ListenerSeal.Queue queue = found.get()) {
                    queue.seal();
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot seal this worker's own listening socket ({}): connections queued on it at the close are"
                    + " reset", e.toString());
        }
    }
}
