package dev.turnstile.model.eventloop;

import dev.turnstile.core.AcceptLimits;
import dev.turnstile.core.Backoff;
import dev.turnstile.core.Sockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Non-blocking accept on a loop: when the listener is ready, accepts what is waiting (up to a
 * batch, so a flood of connections cannot starve the loop's open connections) and gives each
 * socket to the loop its placement picks: its own (one loop, or a SO_REUSEPORT socket per loop)
 * or the next in turn (round-robin).
 *
 * <p><b>Failure policy</b>, as core's accept loop: a closed listener ends accepting quietly (that
 * is how shutdown stops it). Any other IOException is taken as transient (running out of
 * descriptors is the usual one): OP_ACCEPT is dropped for a {@link Backoff} pause, because a
 * listener that stays readable would otherwise spin the loop; the loop's tick restores it. A
 * successful accept resets the backoff.
 * <p><b>Limits</b> ({@link AcceptLimits}): a permit is taken before each accept; with none left
 * (max-connections open) OP_ACCEPT is dropped and the listen backlog holds the rest, until a close
 * asks the group to {@link #resumeAfterLimit resume}. A connection over a per-source limit is closed
 * at once and its permit given back.
 * <p><b>Thread-safety.</b> Loop thread only.
 */
final class LoopAcceptor {

    private static final Logger log = LoggerFactory.getLogger(LoopAcceptor.class);
    private static final int ACCEPTS_PER_ROUND = 64;
    private static final long NOT_PAUSED = Long.MAX_VALUE;

    private final SelectorLoop loop;
    private final ServerSocketChannel listener;
    private final SelectionKey key;
    private final Supplier<SelectorLoop> placement;
    private final SelectorGroup group;
    private final Backoff backoff = new Backoff();
    private final AcceptLimits limits;
    private long resumeAt = NOT_PAUSED; // loop thread only: the loop's clock when OP_ACCEPT comes back
    private boolean atLimit;            // loop thread only: OP_ACCEPT dropped for max-connections
    private volatile long failures;     // written by the loop thread only

    LoopAcceptor(SelectorLoop loop, ServerSocketChannel listener, SelectionKey key, Supplier<SelectorLoop> placement,
                 SelectorGroup group) {
        this.loop = loop;
        this.listener = listener;
        this.key = key;
        this.placement = placement;
        this.group = group;
        this.limits = group.limits();
    }

    void onAcceptable() {
        for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
            if (!limits.tryAcquire() && !pauseAtLimit()) {
                return;
            }
            SocketChannel socket;
            try {
                socket = listener.accept();
            } catch (ClosedChannelException e) {
                limits.release();
                key.cancel();
                return;
            } catch (IOException e) {
                limits.release();
                if (!listener.isOpen()) {
                    key.cancel();
                    return;
                }
                pause(e);
                return;
            }
            if (socket == null) {
                limits.release();
                return; // nothing more waiting
            }
            backoff.reset();
            InetSocketAddress peer = Sockets.remote(socket);
            if (!limits.admit(peer)) {
                Sockets.closeQuietly(socket); // counted and logged by the limits
                limits.release();
                continue;
            }
            group.opened();
            placement.get().adopt(socket);
        }
    }

    /**
     * Drops OP_ACCEPT at max-connections and asks the group to call {@link #resumeAfterLimit} on
     * the next close. Returns true if a permit came free meanwhile (taken: go on accepting), which
     * closes the race with a close that ran before the group knew anyone was waiting.
     */
    private boolean pauseAtLimit() {
        atLimit = true;
        key.interestOps(0);
        group.acceptorWaits();
        if (limits.tryAcquire()) {
            resumeAfterLimit();
            return true;
        }
        return false;
    }

    /** Restores OP_ACCEPT after a max-connections pause (a close made room); loop thread. */
    void resumeAfterLimit() {
        if (!atLimit) {
            return;
        }
        atLimit = false;
        if (!paused() && key.isValid()) {
            key.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    private void pause(IOException e) {
        failures = failures + 1; // single writer
        Duration delay = backoff.next();
        loop.acceptFailed(delay);
        log.warn("{}: accept failed: {}; not accepting for {} ms", loop.name(), e.toString(), delay.toMillis());
        key.interestOps(0);
        resumeAt = loop.now() + delay.toNanos();
    }

    /** Accepts that failed (other than on a closed listener), in all. Any thread. */
    long failures() {
        return failures;
    }

    boolean paused() {
        return resumeAt != NOT_PAUSED;
    }

    /** The loop's clock when accepting resumes; meaningful while {@link #paused()}. */
    long resumeAt() {
        return resumeAt;
    }

    /** Restores OP_ACCEPT once the pause is over (called on the loop's tick). */
    void resumeIfDue(long now) {
        if (paused() && now - resumeAt >= 0) {
            resumeAt = NOT_PAUSED;
            if (key.isValid() && !atLimit) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        }
    }
}
