package dev.turnstile.core;

import dev.turnstile.api.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Accepts until the listener closes and hands each socket to the model's dispatcher. Written
 * once for every model that blocks in accept(); runs on one thread (several threads may each run
 * their own loop over one shared listener, as the shared-accept pool does).
 *
 * <p><b>Failure policy.</b> Closed listener: return normally (that is how shutdown stops it).
 * Any other IOException is treated as transient, since the JDK has no "temporary" flag (running
 * out of descriptors is the usual one): retry with {@link Backoff}. Errors and runtime exceptions
 * end the loop and are reported to {@code onFatal}, which fails the server. One connection's
 * failure never stops the loop. Each failed accept and its pause are counted in the server's stats.
 *
 * <p><b>Limits.</b> Two permits are taken before accept(): the server's ({@link AcceptGate}, such as
 * {@link AcceptLimits}: {@code --max-connections}) and the model's ({@link Admission}, such as a pool's size); with
 * either exhausted the loop waits and new connections wait in the listen backlog. An accepted
 * connection over a per-source limit is closed at once, its permits given back.
 */
public final class AcceptLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(AcceptLoop.class);

    private final ServerSocketChannel listener;
    private final Admission admission;
    private final AcceptGate limits;
    private final Dispatcher dispatcher;
    private final Consumer<Throwable> onFatal;
    private final Consumer<SocketChannel> onRefused;
    private final Backoff backoff = new Backoff();
    private final ServerStats stats;

    /**
     * @param onRefused called with a socket the dispatcher rejected, before it is closed
     * @param onFatal   called once if the loop dies of an unexpected throwable
     * @param stats     where failed accepts and their pauses are counted
     */
    public AcceptLoop(ServerSocketChannel listener, Admission admission, AcceptGate limits, Dispatcher dispatcher,
                      Consumer<SocketChannel> onRefused, Consumer<Throwable> onFatal, ServerStats stats) {
        this.listener = listener;
        this.admission = admission;
        this.limits = limits;
        this.dispatcher = dispatcher;
        this.onRefused = onRefused;
        this.onFatal = onFatal;
        this.stats = stats;
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (RuntimeException | Error e) {
            log.error("accept loop on {} died", Thread.currentThread().getName(), e);
            onFatal.accept(e);
        }
    }

    private void loop() {
        while (listener.isOpen()) {
            if (!limits.acquire()) {
                return; // interrupted: shutting down
            }
            if (!admission.acquire()) {
                limits.release();
                return;
            }
            SocketChannel socket;
            try {
                socket = listener.accept();
            } catch (ClosedChannelException e) { // includes AsynchronousClose and ClosedByInterrupt
                releasePermits();
                return;
            } catch (IOException e) {
                releasePermits();
                if (!listener.isOpen()) {
                    return; // shutdown closed it
                }
                Duration delay = backoff.next();
                stats.acceptFailed(delay);
                log.warn("accept failed: {}; retrying in {} ms", e.toString(), delay.toMillis());
                backoff.pause(delay);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                continue;
            }
            backoff.reset();
            InetSocketAddress peer = Sockets.remote(socket);
            if (!limits.admit(peer)) {
                Sockets.closeQuietly(socket); // counted and logged by the limits
                releasePermits();
                continue;
            }
            Runnable release = () -> {
                admission.release();
                limits.closed(peer);
            };
            try {
                dispatcher.dispatch(socket, release); // the permits return on close
            } catch (RejectedExecutionException e) {
                refuse(socket, release);
            }
        }
    }

    private void releasePermits() {
        admission.release();
        limits.release();
    }

    private void refuse(SocketChannel socket, Runnable release) {
        try {
            onRefused.accept(socket);
        } finally {
            Sockets.closeQuietly(socket);
            release.run();
        }
    }

    /** True if {@code e} only says the listener was closed under us. */
    static boolean isClosed(IOException e) {
        return e instanceof ClosedChannelException || e instanceof ClosedByInterruptException;
    }
}
