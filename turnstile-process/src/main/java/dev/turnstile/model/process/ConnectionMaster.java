package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.WorkerStats;
import dev.turnstile.core.AcceptLimits;
import dev.turnstile.core.Backoff;
import dev.turnstile.core.ListenerDrain;
import dev.turnstile.posix.AcceptedSocket;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Listener;
import dev.turnstile.posix.PeerState;
import dev.turnstile.posix.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The master of process-per-connection: it accepts, starts a child per connection with the
 * socket as the child's stdin and stdout, closes its own copy, and reaps.
 *
 * <p><b>Bound.</b> At most {@code maxChildren} children at once, so memory stays within that many
 * workers. Past the bound it keeps accepting, up to {@code maxWaiting} connections held in
 * arrival order without a child; with that many it stops accepting (the listener leaves its poll
 * set), so the excess waits in the listen backlog, as tcpserver -c does. A child's exit wakes the
 * loop through its pidfd, so the next waiting connection gets a child at once.
 *
 * <p><b>Connection limits</b> ({@link dev.turnstile.api.ConnectionLimits}), all applied here, where
 * the connections are accepted, by the core's {@link AcceptLimits} as in the in-process models.
 * {@code --max-connections} bounds the connections the server holds: those with a child and
 * those accepted and waiting in line for one. At it the listener leaves the poll set, as at the
 * bound above, and the rest wait in the listen backlog; so with both set, at most
 * {@code min(maxChildren, maxConnections)} children run. A connection over
 * {@code --max-connections-per-ip} or {@code --max-accept-rate} is closed at once, before any
 * child, and counted as rejected and as a limit hit. Its permit and its source's count go back
 * when its child is reaped, or when the master closes it (peer gone, spawn failed, stopping).
 *
 * <p><b>Peers that left.</b> A connection gets a child only if its peer is still there, looked at
 * ({@link AcceptedSocket#peerState()}, which reads nothing) right after accept and again right
 * before the spawn; the waiting ones are looked at on every round too. One whose peer closed
 * without sending anything, or reset, is closed by the master and counted as opened and closed
 * ({@link CloseReason#PEER_CLOSED} or {@link CloseReason#RESET}) on the worker {@value #MASTER}:
 * no process. A connection that has sent nothing yet gets its child no sooner than
 * {@link #SILENT_GRACE} after its accept, since a connect-and-close client's FIN may be a few
 * microseconds behind its handshake; one that has sent something gets it at once. So a storm of
 * connect-and-close costs a system call per connection, not a process, and it cannot fill the
 * listen backlog in front of a fresh client.
 *
 * <p><b>Failures.</b> A failed accept (out of descriptors, typically) or spawn (out of processes
 * or memory) pauses accepting with the core {@link Backoff}: 5 ms doubling to 1 s; a connection
 * whose child cannot be started is closed and counted as rejected. A child that crashes is
 * logged with its peer and status; the others never notice. A child that cannot boot stops the
 * master ({@link #fail}), since every later one would fail the same way.
 *
 * <p><b>Counters.</b> Each child gets a {@link Scoreboard} slot, where a JVM worker keeps its
 * message and byte counters (and {@code turnstile status} sees it); the master adds them to the
 * server's stats when it reaps the child, just before reporting the close.
 *
 * <p>Thread-safety: the master thread only, as {@link MasterLoop} says.
 */
final class ConnectionMaster extends MasterLoop<ConnectionMaster.ConnectionChild> {

    private static final Logger log = LoggerFactory.getLogger(ConnectionMaster.class);
    /** The worker name in the stats of connections the master closed itself, their peer gone before a child. */
    static final String MASTER = "master";
    /** How long a connection that has sent nothing waits for its child, in case its peer is about to close. */
    static final Duration SILENT_GRACE = Duration.ofMillis(5);

    /** An accepted connection waiting for a child, and when it may have one even if its peer stays silent. */
    private record Waiting(AcceptedSocket connection, Instant silentUntil) {
    }

    /** The connection limits of the server (none in tests that do not say). */
    private static AcceptLimits noLimits(ServerStats stats, String model) {
        return new AcceptLimits(ConnectionLimits.none(), stats, model);
    }

    /** A child, the connection it serves and its scoreboard slot. */
    static final class ConnectionChild extends MasterLoop.Child {
        final ConnectionInfo info;
        final Scoreboard.Slot slot;

        ConnectionChild(int pid, Instant started, ConnectionInfo info, Scoreboard.Slot slot) {
            super(pid, started);
            this.info = info;
            this.slot = slot;
        }
    }

    private final String model;
    private final ChildCommand command;
    private final int maxChildren;
    private final int maxWaiting;
    private final Deque<Waiting> waiting = new ArrayDeque<>(); // master thread only; accepted, no child yet
    private Instant queueEmptySince;                            // master thread only; stopping, listener sealed
    private final ServerStats stats;
    private final AcceptLimits limits;
    private final Scoreboard board;
    private final FreeSlots slots;
    private final Backoff backoff = new Backoff(); // master thread only
    private Instant pausedUntil = Instant.MIN;    // master thread only
    private long ids;                             // master thread only

    /**
     * @param board      one slot per child, so at least {@code maxChildren} slots
     * @param maxWaiting how many accepted connections may wait for a child once {@code maxChildren} run
     */
    ConnectionMaster(String model, Listener listener, ChildCommand command, int maxChildren, int maxWaiting,
                     ServerStats stats, Scoreboard board, Processes processes, Clock clock) {
        this(model, listener, command, maxChildren, maxWaiting, stats, noLimits(stats, model), board, processes, clock);
    }

    /**
     * @param limits the server's connection limits, over {@code stats}
     */
    ConnectionMaster(String model, Listener listener, ChildCommand command, int maxChildren, int maxWaiting,
                     ServerStats stats, AcceptLimits limits, Scoreboard board, Processes processes, Clock clock) {
        super(model, listener, processes, clock);
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("maxWaiting must be >= 0 (got " + maxWaiting + ")");
        }
        this.model = model;
        this.command = command;
        this.maxChildren = maxChildren;
        this.maxWaiting = maxWaiting;
        this.stats = stats;
        this.limits = limits;
        this.board = board;
        this.slots = new FreeSlots(board, maxChildren);
    }

    private boolean paused() {
        return clock.instant().isBefore(pausedUntil);
    }

    /**
     * True while a connection just accepted could get a child or a place among the waiting, under
     * max-connections too (the master is the one thread that takes its permits, so between two
     * accepts the permits in use are the connections held).
     */
    private boolean accepting() {
        return !listenerClosed() && !paused() && childCount() + waiting.size() < maxChildren + maxWaiting
                && !limits.atCeiling();
    }

    @Override
    protected int readableFd() {
        return accepting() ? listener.fd() : -1;
    }

    /** The next of: the end of an accept pause, the first waiting one's grace (a millisecond after: waits are in whole ms). */
    @Override
    protected Instant wakeBy() {
        Instant now = clock.instant();
        Instant by = pausedUntil.isAfter(now) ? pausedUntil : Instant.MAX;
        if (queueEmptySince != null && !listenerClosed() && queueEmptySince.plus(ListenerDrain.SETTLE).isBefore(by)) {
            by = queueEmptySince.plus(ListenerDrain.SETTLE);
        }
        Waiting first = waiting.peekFirst();
        if (first != null) {
            Instant graceOver = first.silentUntil().plusMillis(1);
            if (graceOver.isAfter(now) && graceOver.isBefore(by)) {
                by = graceOver;
            }
        }
        return by;
    }

    /**
     * Drops the waiting connections whose peer left, gives children to the oldest waiting ones
     * while below the bound, then accepts what is pending while there is room: a connection whose
     * peer already left is closed at once, the others wait in line for a child.
     */
    @Override
    protected void spawnToTarget() {
        dropLeftWhileWaiting();
        spawnForWaiting();
        acceptPending();
    }

    /** Accepts while there is room; true if the listener was seen with nothing more queued. */
    private boolean acceptPending() {
        while (accepting() && limits.tryAcquire()) {
            AcceptedSocket connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                limits.release();
                pause("accept failed: " + e.getMessage());
                return false;
            }
            if (connection == null) {
                limits.release();
                return true;
            }
            if (!limits.admit(connection.remote())) {
                connection.close(); // counted and logged by the limits
                limits.release();
                continue;
            }
            if (!left(connection, connection.peerState())) {
                waiting.addLast(new Waiting(connection, clock.instant().plus(SILENT_GRACE)));
                spawnForWaiting();
            }
        }
        return false;
    }

    /** The master accepts, so it takes what the kernel queued before the stop sealed the listener. */
    @Override
    protected boolean takesQueueOnStop() {
        return true;
    }

    /**
     * While the drain lasts, the connections queued on the sealed listener and those accepted and
     * waiting get children as before; the listener closes once nothing is queued on it for
     * {@link ListenerDrain#SETTLE}. At the end of the drain whatever still waits is closed unserved.
     */
    @Override
    protected boolean takeQueued(Instant drainUntil) {
        if (!clock.instant().isBefore(drainUntil)) {
            closeListener();
            closeWaiting();
            return true;
        }
        dropLeftWhileWaiting();
        spawnForWaiting();
        if (!listenerClosed()) {
            if (!acceptPending()) {
                queueEmptySince = null;
            } else if (queueEmptySince == null) {
                queueEmptySince = clock.instant();
            } else if (!clock.instant().isBefore(queueEmptySince.plus(ListenerDrain.SETTLE))) {
                closeListener();
            }
        }
        return listenerClosed() && waiting.isEmpty();
    }

    private void dropLeftWhileWaiting() {
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            AcceptedSocket connection = it.next().connection();
            if (left(connection, connection.peerState())) {
                it.remove();
            }
        }
    }

    /**
     * Starts children for the oldest waiting connections while below the bound and not paused,
     * each looked at again first; stops at one that is silent and still in its grace.
     */
    private void spawnForWaiting() {
        while (childCount() < maxChildren && !paused() && !waiting.isEmpty()) {
            Waiting first = waiting.peekFirst();
            PeerState peer = first.connection().peerState();
            if (peer == PeerState.SILENT && clock.instant().isBefore(first.silentUntil())) {
                return;
            }
            waiting.removeFirst();
            try (AcceptedSocket connection = first.connection()) { // the child has its own copy once spawned
                if (!left(connection, peer)) {
                    spawnFor(connection);
                }
            }
        }
    }

    /**
     * True if the peer left ({@code peer} is not {@link PeerState#present()}); then closes the
     * connection and counts it as opened and closed on the {@value #MASTER}: no process for a
     * connection no one is at.
     */
    private boolean left(AcceptedSocket connection, PeerState peer) {
        if (peer.present()) {
            return false;
        }
        ConnectionInfo info = new ConnectionInfo(++ids, connection.remote(), connection.local(), MASTER);
        connection.close();
        limits.closed(connection.remote());
        stats.connectionOpened(info);
        stats.connectionClosed(info, peer == PeerState.RESET ? CloseReason.RESET : CloseReason.PEER_CLOSED);
        log.debug("{}: {} left before it got a process ({})", model, connection.peer(), peer);
        return true;
    }

    /** How many accepted connections wait for a child. Master thread. */
    int waitingCount() {
        return waiting.size();
    }

    private void spawnFor(AcceptedSocket connection) {
        Scoreboard.Slot slot = slots.take(clock.millis()); // never null: one slot per child, below the bound
        int pid;
        try {
            pid = processes.spawn(command.spawn(connection, slot.index()));
        } catch (IOException e) {
            slots.release(slot);
            limits.closed(connection.remote());
            stats.connectionRejected(connection.peer(), "cannot start a process: " + e.getMessage());
            pause("cannot start a process for " + connection.peer() + ": " + e.getMessage());
            return;
        }
        backoff.reset();
        slot.spawned(pid);
        if (!command.reportsToScoreboard()) { // a foreign program: the master keeps its slot
            slot.peer(connection.remote());
            slot.state(Scoreboard.State.BUSY);
        }
        ConnectionInfo info = new ConnectionInfo(++ids, connection.remote(), connection.local(), "process-" + pid);
        adopt(new ConnectionChild(pid, clock.instant(), info, slot));
        stats.connectionOpened(info);
        log.debug("{}: process {} serves {}", model, pid, connection.peer());
    }

    private void pause(String why) {
        Duration delay = backoff.next();
        pausedUntil = clock.instant().plus(delay);
        log.warn("{}: {}; not accepting for {} ms", model, why, delay.toMillis());
    }

    @Override
    protected void exited(ConnectionChild child, ExitStatus status) {
        if (command.cannotBoot(status)) {
            fail("process " + child.pid() + " for " + child.info.peer() + " cannot boot (" + ExitCodes.describe(status)
                    + "; see its error above), and every connection would fail the same way");
        } else if (command.isCrash(status) && !child.signalled()) {
            log.warn("{}: process {} for {} {}", model, child.pid(), child.info.peer(), ExitCodes.describe(status));
        } else {
            log.debug("{}: process {} for {} {}", model, child.pid(), child.info.peer(), ExitCodes.describe(status));
        }
        countFinal(child);
        slots.release(child.slot);
        limits.closed(child.info.remote());
        stats.connectionClosed(child.info, command.closeReason(status));
        stats.retireWorker(child.info.worker());
    }

    /** The child is gone, so its slot's counters are final: add them to the server's stats. */
    private void countFinal(ConnectionChild child) {
        Scoreboard.Slot slot = child.slot;
        WorkerStats worker = stats.worker(child.info.worker());
        for (long m = slot.messages(); m > 0; m--) {
            worker.messageHandled();
        }
        stats.bytesIn(slot.bytesIn());
        stats.bytesOut(slot.bytesOut());
    }

    @Override
    protected String describe(ConnectionChild child) {
        return "process " + child.pid() + " for " + child.info.peer();
    }

    private void closeWaiting() {
        for (Waiting w; (w = waiting.pollFirst()) != null; ) {
            w.connection().close();
            limits.closed(w.connection().remote());
            stats.connectionRejected(w.connection().peer(), "the server is stopping");
        }
    }

    @Override
    protected void finished() {
        closeWaiting();
        board.delete();
    }
}
