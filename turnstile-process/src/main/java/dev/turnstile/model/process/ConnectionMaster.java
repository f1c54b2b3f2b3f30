package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ConnectionStats;
import dev.turnstile.api.WorkerKind;
import dev.turnstile.api.WorkerState;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ServerStats;
import dev.turnstile.core.AcceptLimits;
import dev.turnstile.core.Backoff;
import dev.turnstile.core.ListenerDrain;
import dev.turnstile.posix.AcceptedSocket;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.HandOffLine;
import dev.turnstile.posix.Listener;
import dev.turnstile.posix.PeerState;
import dev.turnstile.posix.Processes;
import dev.turnstile.posix.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

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
 * <p><b>Spares</b> ({@code --spares K}, {@link Spares}): K {@link ConnectionWorker} JVMs started
 * ahead of demand, each on a {@link HandOffLine} as its stdin, booted and waiting. A connection
 * goes to the oldest spare that has said it is ready (the descriptor passed over its line); it
 * serves that one connection and exits like any child: a process still never sees a second
 * connection. With no ready spare the connection gets a child of its own, as without spares,
 * so spares never make a connection wait longer. The master starts spares while fewer than K
 * wait and fewer than {@code maxChildren} children run: spares count in that bound, and the
 * connections come first; at most one spare per processor starts at a time, and only one for
 * {@link #REFILL_QUIET} after a connection found no ready spare (see {@link #startingAtOnce}), so
 * above the rate at which spares are made they add at most one JVM start to what the connections'
 * own children cost, and below it a miss (such as the first connection, before any spare is
 * ready) never stops the refill. A spare that dies before its connection (killed, crashed) is
 * replaced after the core {@link Backoff}'s pause (5 ms doubling to 1 s, reset when a spare is
 * handed a connection), so a spare that cannot live is no storm; one that cannot boot stops the
 * master, as a child that cannot boot does. A stop kills the spares (SIGKILL: they hold nothing)
 * and leaves them out of the report's drained count. The loop also wakes when a spare says it
 * is ready, and when the first connection waiting out its silent grace sends something.
 *
 * <p>Thread-safety: the master thread only, as {@link MasterLoop} says.
 */
final class ConnectionMaster extends MasterLoop<ConnectionMaster.ConnectionChild> {

    private static final Logger log = LoggerFactory.getLogger(ConnectionMaster.class);
    /** The worker name in the stats of connections the master closed itself, their peer gone before a child. */
    static final String MASTER = "master";
    /** How long a connection that has sent nothing waits for its child, in case its peer is about to close. */
    static final Duration SILENT_GRACE = Duration.ofMillis(5);
    /** How long no connection must have missed a ready spare before spares are started again. */
    static final Duration REFILL_QUIET = Duration.ofSeconds(10);
    /** How many spares may be starting at once: one per processor. */
    private static final int STARTING_AT_ONCE = Runtime.getRuntime().availableProcessors();

    /** An accepted connection waiting for a child, and when it may have one even if its peer stays silent. */
    private record Waiting(AcceptedSocket connection, Instant silentUntil) {
    }

    /** The connection limits of the server (none in tests that do not say). */
    private static AcceptLimits noLimits(ServerStats stats, String model) {
        return new AcceptLimits(ConnectionLimits.none(), stats, model);
    }

    /**
     * How many spares to keep and how to start one; {@link #none()} for none.
     *
     * @param count   spares kept waiting, at most; 0 for none
     * @param command how to start one (a {@link ConnectionDelivery#HAND_OFF} child); null if count is 0
     */
    record Spares(int count, ServiceChild command) {
        Spares {
            if (count < 0) {
                throw new IllegalArgumentException("spares must be >= 0 (got " + count + ")");
            }
            if (count > 0 && (command == null || command.delivery() != ConnectionDelivery.HAND_OFF)) {
                throw new IllegalArgumentException("spares need a child command that takes its connection by hand-off");
            }
        }

        static Spares none() {
            return new Spares(0, null);
        }
    }

    /**
     * A child, the connection it serves and its scoreboard slot. A spare has no connection yet
     * ({@code info} null) and holds its {@link HandOffLine} until it gets one.
     */
    static final class ConnectionChild extends MasterLoop.Child {
        ConnectionInfo info;  // master thread only; null while a spare
        final Scoreboard.Slot slot;
        HandOffLine line;     // master thread only; a waiting spare's line, else null
        long messages, bytesIn, bytesOut; // master thread only: of the slot's counters, what the stats have

        ConnectionChild(int pid, Instant started, ConnectionInfo info, Scoreboard.Slot slot) {
            this(pid, started, info, slot, null);
        }

        ConnectionChild(int pid, Instant started, ConnectionInfo info, Scoreboard.Slot slot, HandOffLine line) {
            super(pid, started);
            this.info = info;
            this.slot = slot;
            this.line = line;
        }

        void closeLine() {
            if (line != null) {
                line.close();
                line = null;
            }
        }
    }

    private final String model;
    private ChildCommand command; // master thread only; a reload replaces it
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
    private Spares spareSupply;                          // master thread only after construction
    private final Deque<ConnectionChild> spares = new ArrayDeque<>(); // master thread only; waiting spares, oldest first
    private final Backoff spareBackoff = new Backoff(); // master thread only
    private Instant sparesPausedUntil = Instant.MIN;    // master thread only
    private int sparesKilledAtStop;                     // master thread only
    private Instant lastMissed = Instant.MIN;           // master thread only: a connection found no ready spare

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
        this(model, listener, command, Spares.none(), maxChildren, maxWaiting, stats, limits, board, processes, clock);
    }

    /**
     * @param spares how many spares to keep waiting, within {@code maxChildren}
     */
    ConnectionMaster(String model, Listener listener, ChildCommand command, Spares spares, int maxChildren,
                     int maxWaiting, ServerStats stats, AcceptLimits limits, Scoreboard board, Processes processes,
                     Clock clock) {
        super(model, listener, processes, clock);
        this.spareSupply = spares;
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
        return !listenerClosed() && !paused() && servingCount() + waiting.size() < maxChildren + maxWaiting
                && !limits.atCeiling();
    }

    /** Children that have a connection (the others are waiting spares). */
    private int servingCount() {
        return childCount() - spares.size();
    }

    @Override
    protected int readableFd() {
        return accepting() ? listener.fd() : -1;
    }

    /**
     * The listener, the lines of spares not yet ready (they say so on it), and the first waiting
     * connection while it waits out its silent grace with a spare or room for a child, so that
     * its first bytes start it at once.
     */
    @Override
    protected int[] readableFds() {
        int[] fds = new int[2 + spares.size()];
        int n = 0;
        fds[n++] = readableFd();
        Waiting first = waiting.peekFirst();
        if (first != null && clock.instant().isBefore(first.silentUntil()) && !paused()
                && (!spares.isEmpty() || childCount() < maxChildren)) {
            fds[n++] = first.connection().fd();
        }
        for (ConnectionChild spare : spares) {
            if (spare.line.awaitingReady()) {
                fds[n++] = spare.line.fd();
            }
        }
        return Arrays.copyOf(fds, n);
    }

    /** The next of: the end of an accept pause, the first waiting one's grace (a millisecond after: waits are in whole ms). */
    @Override
    protected Instant wakeBy() {
        Instant now = clock.instant();
        Instant by = pausedUntil.isAfter(now) ? pausedUntil : Instant.MAX;
        if (queueEmptySince != null && !listenerClosed() && queueEmptySince.plus(ListenerDrain.SETTLE).isBefore(by)) {
            by = queueEmptySince.plus(ListenerDrain.SETTLE);
        }
        if (spares.size() < spareSupply.count()) {
            for (Instant refill : new Instant[] {sparesPausedUntil, refillAfter()}) {
                if (refill.isAfter(now) && refill.isBefore(by)) {
                    by = refill;
                }
            }
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
        noticeReadySpares();
        showChildren();
        dropLeftWhileWaiting();
        spawnForWaiting();
        acceptPending();
        refillSpares();
    }

    /**
     * Accepts what is pending while there is room (see {@link #spawnToTarget}); true if the
     * listener was seen with nothing more queued.
     */
    private boolean acceptPending() {
        while (accepting() && limits.tryAcquire()) {
            AcceptedSocket connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                limits.release();
                stats.acceptFailed(pause("accept failed: " + e.getMessage()));
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
     * Gives the oldest waiting connections to ready spares, or children of their own while below
     * the bound, while not paused, each looked at again first; stops at one that is silent and
     * still in its grace, or when there is neither a ready spare nor room.
     */
    private void spawnForWaiting() {
        while (!paused() && !waiting.isEmpty()) {
            Waiting first = waiting.peekFirst();
            AcceptedSocket connection = first.connection();
            PeerState peer = connection.peerState();
            if (peer == PeerState.SILENT && clock.instant().isBefore(first.silentUntil())) {
                return;
            }
            if (left(connection, peer)) {
                waiting.removeFirst();
                continue;
            }
            if (!handToReadySpare(connection)) {
                if (childCount() >= maxChildren) {
                    return;
                }
                if (spareSupply.count() > 0) {
                    lastMissed = clock.instant();
                }
                spawnFor(connection);
            }
            waiting.removeFirst();
            connection.close(); // the child has its own copy
        }
    }

    /** Reads what the spares not yet ready have said, so their lines stop waking the loop. */
    private void noticeReadySpares() {
        for (ConnectionChild spare : spares) {
            try {
                spare.line.ready();
            } catch (IOException e) {
                log.debug("{}: spare process {}: {}", model, spare.pid(), e.getMessage()); // its exit tells the rest
            }
        }
    }

    /**
     * Hands {@code connection} to the oldest ready spare, if there is one; true if one took it.
     * A spare whose line is broken (it died) is dropped from the spares; its exit is reaped later.
     */
    private boolean handToReadySpare(AcceptedSocket connection) {
        for (Iterator<ConnectionChild> it = spares.iterator(); it.hasNext(); ) {
            ConnectionChild spare = it.next();
            try {
                if (!spare.line.ready()) {
                    continue;
                }
                spare.line.handOff(connection);
            } catch (IOException e) {
                log.debug("{}: spare process {} cannot take a connection: {}", model, spare.pid(), e.getMessage());
                it.remove();
                spare.closeLine();
                continue;
            }
            it.remove();
            spare.closeLine();
            spareBackoff.reset();
            spare.info = new ConnectionInfo(++ids, connection.remote(), connection.local(), "process-" + spare.pid());
            stats.connectionOpened(spare.info);
            log.debug("{}: spare process {} serves {}", model, spare.pid(), connection.peer());
            return true;
        }
        return false;
    }

    /**
     * Starts a spare while fewer than the target wait, below the bound, not pausing after a spare
     * died, and fewer spares are still starting than the machine has processors: a JVM's start is
     * CPU work, so more at once would only queue, and when connections come faster than spares
     * are made, the spares add at most that many starts to the CPU the connections' own children need.
     */
    private void refillSpares() {
        while (spares.size() < spareSupply.count() && childCount() < maxChildren && !listenerClosed()
                && !clock.instant().isBefore(sparesPausedUntil) && sparesStarting() < startingAtOnce()) {
            Scoreboard.Slot slot = slots.take(clock.millis()); // never null: one slot per child, below the bound
            HandOffLine line = null;
            int pid;
            try {
                line = HandOffLine.open();
                pid = processes.spawn(spareSupply.command().spawnSpare(line, slot.index()));
            } catch (IOException e) {
                if (line != null) {
                    line.close();
                }
                slots.release(slot);
                pauseSpares("cannot start a spare: " + e.getMessage());
                return;
            }
            line.closeChildEnd();
            slot.spawned(pid);
            ConnectionChild spare = new ConnectionChild(pid, clock.instant(), null, slot, line);
            adopt(spare);
            spares.addLast(spare);
            log.debug("{}: spare process {} started", model, pid);
        }
    }

    /**
     * How many spares may be starting at once: one per processor, but one only until
     * {@link #REFILL_QUIET} after the last connection that found no ready spare. While connections
     * come faster than spares are made, every one misses and spares are made one at a time, each
     * taken by a connection that would otherwise have started a JVM of its own. None at all after a
     * miss would never refill at a rate the spares could keep up with, once one connection had
     * missed (at 1 connection/s, every connection missed for as long as they kept coming).
     */
    private int startingAtOnce() {
        return clock.instant().isBefore(refillAfter()) ? 1 : STARTING_AT_ONCE;
    }

    /** The end of the quiet time after the last connection that found no ready spare. */
    private Instant refillAfter() {
        return lastMissed.equals(Instant.MIN) ? Instant.MIN : lastMissed.plus(REFILL_QUIET);
    }

    private int sparesStarting() {
        int starting = 0;
        for (ConnectionChild spare : spares) {
            if (spare.line.awaitingReady()) {
                starting++;
            }
        }
        return starting;
    }

    private void pauseSpares(String why) {
        Duration delay = spareBackoff.next();
        sparesPausedUntil = clock.instant().plus(delay);
        log.warn("{}: {}; next spare in {} ms", model, why, delay.toMillis());
    }

    /** How many spares wait for a connection (ready or still starting). Master thread. */
    int spareCount() {
        return spares.size();
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
        stats.connectionOpened(info).worker().kind(WorkerKind.PROCESS).state(WorkerState.STARTING);
        log.debug("{}: process {} serves {}", model, pid, connection.peer());
    }

    /** Stops accepting for the next backoff; returns it. */
    private Duration pause(String why) {
        Duration delay = backoff.next();
        pausedUntil = clock.instant().plus(delay);
        log.warn("{}: {}; not accepting for {} ms", model, why, delay.toMillis());
        return delay;
    }

    @Override
    protected void exited(ConnectionChild child, ExitStatus status) {
        if (child.info == null) {
            spareExited(child, status);
            return;
        }
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

    /**
     * A spare ended before it had a connection: as the stop asked, or it died, and then the next
     * one waits for the back-off; or it cannot boot, and neither could any other.
     */
    private void spareExited(ConnectionChild spare, ExitStatus status) {
        spares.remove(spare);
        spare.closeLine();
        slots.release(spare.slot);
        if (spareSupply.command().cannotBoot(status)) {
            fail("spare process " + spare.pid() + " cannot boot (" + ExitCodes.describe(status)
                    + "; see its error above), and every connection would fail the same way");
        } else if (stopping()) {
            log.debug("{}: spare process {} {}", model, spare.pid(), ExitCodes.describe(status));
        } else {
            pauseSpares("spare process " + spare.pid() + " " + ExitCodes.describe(status) + " before it had a connection");
        }
    }

    /**
     * Each child's slot onto the status, every round: its worker's state, and its connection's
     * state and counters (the child copies them in four times a second). Master thread.
     */
    private void showChildren() {
        for (ConnectionChild child : children()) {
            if (child.info == null) {
                continue; // a waiting spare: no connection to show yet
            }
            WorkerState state = child.slot.workerState();
            stats.worker(child.info.worker()).kind(WorkerKind.PROCESS).state(state);
            ConnectionStats connection = stats.openConnection(child.info);
            if (connection != null && command.reportsToScoreboard()) {
                connection.state(state);
            }
            count(child, connection);
        }
    }

    /** Adds what the child's slot counted since the last call to the server's, worker's and connection's stats. */
    private void count(ConnectionChild child, ConnectionStats connection) {
        Scoreboard.Slot slot = child.slot;
        long messages = slot.messages() - child.messages;
        if (messages > 0) {
            stats.worker(child.info.worker()).messagesHandled(messages);
            if (connection != null) {
                connection.messagesHandled(messages);
            }
            child.messages += messages;
        }
        long in = slot.bytesIn() - child.bytesIn;
        if (in > 0) {
            stats.bytesIn(in);
            if (connection != null) {
                connection.read(in);
            }
            child.bytesIn += in;
        }
        long out = slot.bytesOut() - child.bytesOut;
        if (out > 0) {
            stats.bytesOut(out);
            if (connection != null) {
                connection.wrote(out);
            }
            child.bytesOut += out;
        }
    }

    /** The child is gone, so its slot's counters are final: add the rest to the server's stats. */
    private void countFinal(ConnectionChild child) {
        count(child, null);
    }

    @Override
    protected String describe(ConnectionChild child) {
        return child.info == null ? "spare process " + child.pid() : "process " + child.pid() + " for " + child.info.peer();
    }

    /**
     * A stop takes no new connection (the listener is sealed), but the connections waiting for a
     * child, and those still queued on the listener, are served within the drain ({@link #takeQueued});
     * the spares are killed (they hold no connection, so nothing is lost).
     */
    @Override
    protected void stopRequested(Instant drainUntil) {
        killSpares();
    }

    private void killSpares() {
        for (ConnectionChild spare : spares) {
            spare.closeLine();
            send(spare, Signal.KILL);
            sparesKilledAtStop++;
        }
        spares.clear();
    }

    /** The spares killed at the stop were no conversations: they are not counted as drained. */
    @Override
    protected ShutdownReport shutdownReport(Duration took, int drained, int forced, List<String> stragglers) {
        return new ShutdownReport(took, Math.max(0, drained - sparesKilledAtStop), forced, stragglers);
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
        spares.forEach(ConnectionChild::closeLine);
        board.delete();
    }

    /**
     * Master thread (a change queued by {@link #requestReload}): children and spares started from
     * now on run {@code next} and {@code nextSpares}; the running ones, and the spares already
     * waiting, serve their one connection as they started.
     */
    void use(ChildCommand next, Spares nextSpares) {
        command = next;
        spareSupply = nextSpares;
    }

    @Override
    protected void reload() {
        log.info("{}: reloaded: connections from now on get children with the new settings; the {} open ones finish as"
                + " they began", model, childCount());
    }
}
