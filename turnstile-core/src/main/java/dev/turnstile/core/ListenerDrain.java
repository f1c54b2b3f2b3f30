package dev.turnstile.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Step 1 of a stop without resets: closes a model's listening sockets only once the kernel has
 * nothing queued on them. Closing a listener resets the connections the kernel completed and
 * nobody accepted yet; their clients may already have sent a request (HAProxy does, and then
 * cannot redispatch it). So the sockets are first {@linkplain ListenerSeal sealed} (new SYNs are
 * dropped: the client retries its SYN about a second later and is refused by then, which a proxy
 * retries elsewhere), the model's own acceptors go on taking what is queued and serve it within
 * the drain like any open connection, and the sockets are closed once the queue is empty (and
 * stays so for {@link #SETTLE}, for handshakes the kernel answered just before the seal), or at
 * the drain deadline.
 *
 * <p><b>Who seals.</b> A socket this server bound is sealed here. A socket it shares with another
 * process ({@link Ownership#SHARED}: inherited from systemd, or a pool master's) is not: a seal
 * outlives this process, and a socket that someone else keeps open loses nothing when our copy
 * closes. If that other process sealed it (a pool master stopping the pool), the queue is taken
 * here before the close all the same. Where no {@link ListenerSeal} is installed the sockets
 * close at once, as before, and that is logged once. Once this process has {@linkplain #handOver
 * handed its listeners over} to a successor (an upgrade), every listener counts as shared: sealed,
 * it would take no connection in the successor either.
 *
 * <p><b>Thread-safety.</b> Stateless apart from the log-once flag; {@link #close} runs on the
 * stopping thread while the acceptors run on theirs.
 */
public final class ListenerDrain {

    private static final Logger log = LoggerFactory.getLogger(ListenerDrain.class);
    /** How long the queue must stay empty before the close: a handshake in flight at the seal completes within it. */
    public static final Duration SETTLE = Duration.ofMillis(10);
    private static final Duration POLL = Duration.ofMillis(1);

    /** Whether the listener is this server's alone, to seal, or shared with a process that may keep it. */
    public enum Ownership { OWNED, SHARED }

    private static final AtomicBoolean HANDED_OVER = new AtomicBoolean();

    /**
     * Marks this process's listeners as handed to a successor that serves the same sockets (an
     * upgrade): from now on no stop seals them, and they close at once, which loses nothing since
     * the successor keeps them open. Any thread; for good.
     */
    public static void handOver() {
        HANDED_OVER.set(true);
    }

    /** True once {@link #handOver} was called: a listener of this process must not be sealed. Any thread. */
    public static boolean handedOver() {
        return HANDED_OVER.get();
    }

    private ListenerDrain() {
    }

    /**
     * Seals {@code listeners} (all bound to one address) if they are {@link Ownership#OWNED}, waits
     * until nothing is queued on them or {@code deadline} passes, then closes them. Returns at
     * once, closing, if they are not sealed (no seal here, or a shared socket nobody sealed).
     * Never throws: a failure to seal is logged and the sockets are closed.
     */
    public static void close(List<ServerSocketChannel> listeners, Ownership ownership, Instant deadline) {
        List<ServerSocketChannel> open = listeners.stream().filter(ServerSocketChannel::isOpen).toList();
        try {
            if (!open.isEmpty() && Instant.now().isBefore(deadline)) {
                drain(open.getFirst(), ownership, deadline);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot seal {} before closing it ({}): connections queued on it are reset",
                    Sockets.local(open.getFirst()), e.toString());
        } finally {
            open.forEach(Sockets::closeQuietly);
        }
    }

    private static void drain(ServerSocketChannel listener, Ownership ownership, Instant deadline) throws IOException {
        Optional<ListenerSeal> seal = Installed.SEAL;
        if (seal.isEmpty()) {
            if (Installed.WARNED.compareAndSet(false, true)) {
                log.info("no listener seal on this platform: a stop closes listeners at once, resetting the "
                        + "connections the kernel queued for them");
            }
            return;
        }
        Optional<ListenerSeal.Queue> found = seal.get().find(Sockets.local(listener));
        if (found.isEmpty()) {
            return;
        }
        try (ListenerSeal.Queue queue = found.get()) {
            if (ownership == Ownership.OWNED && !handedOver()) {
                queue.seal();
            } else if (!queue.isSealed()) {
                return; // shared and still open elsewhere: nothing queued is lost when our copy closes
            }
            awaitEmpty(queue, deadline);
        }
    }

    /** Waits until the queue is empty and stays so for {@link #SETTLE}, or until {@code deadline}. */
    private static void awaitEmpty(ListenerSeal.Queue queue, Instant deadline) throws IOException {
        while (Instant.now().isBefore(deadline)) {
            if (queue.empty()) {
                LockSupport.parkNanos(SETTLE.toNanos());
                if (queue.empty()) {
                    return;
                }
            } else {
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
    }

    /** The seal found on the class or module path, looked up once. */
    private static final class Installed {
        static final Optional<ListenerSeal> SEAL = ServiceLoader.load(ListenerSeal.class).findFirst();
        static final AtomicBoolean WARNED = new AtomicBoolean();
    }
}
