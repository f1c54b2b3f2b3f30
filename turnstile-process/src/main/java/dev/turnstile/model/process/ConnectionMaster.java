package dev.turnstile.model.process;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.WorkerStats;
import dev.turnstile.core.AcceptLimits;
import dev.turnstile.core.Backoff;
import dev.turnstile.posix.AcceptedSocket;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Listener;
import dev.turnstile.posix.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The master of process-per-connection: it accepts, starts a child per connection with the
 * socket as the child's stdin and stdout, closes its own copy, and reaps.
 *
 * <p><b>Bound.</b> At {@code maxChildren} children it stops accepting (the listener leaves its
 * poll set), so the excess waits in the listen backlog, as tcpserver -c does; a child's exit
 * wakes the loop through its pidfd, so the next connection is taken at once. The server's
 * {@link AcceptLimits} act the same way: at max-connections the listener leaves the poll set, and
 * a connection over a per-source limit is closed before any process is started for it.
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
    private final ServerStats stats;
    private final Scoreboard board;
    private final FreeSlots slots;
    private final AcceptLimits limits;
    private final Backoff backoff = new Backoff(); // master thread only
    private Instant pausedUntil = Instant.MIN;    // master thread only
    private long ids;                             // master thread only

    /** @param board one slot per child, so at least {@code maxChildren} slots */
    ConnectionMaster(String model, Listener listener, ChildCommand command, int maxChildren, ServerStats stats,
                     Scoreboard board, Processes processes, Clock clock) {
        this(model, listener, command, maxChildren, stats, board, processes, clock,
                new AcceptLimits(ConnectionLimits.none(), stats, model));
    }

    /**
     * @param limits the server's connection limits: at max-connections the master stops accepting
     *               as it does at {@code maxChildren}; a connection over a per-source limit is
     *               closed before a process is started for it
     */
    ConnectionMaster(String model, Listener listener, ChildCommand command, int maxChildren, ServerStats stats,
                     Scoreboard board, Processes processes, Clock clock, AcceptLimits limits) {
        super(model, listener, processes, clock);
        this.limits = limits;
        this.model = model;
        this.command = command;
        this.maxChildren = maxChildren;
        this.stats = stats;
        this.board = board;
        this.slots = new FreeSlots(board, maxChildren);
    }

    private boolean accepting() {
        return !listenerClosed() && childCount() < maxChildren && !limits.atCeiling()
                && !clock.instant().isBefore(pausedUntil);
    }

    @Override
    protected int readableFd() {
        return accepting() ? listener.fd() : -1;
    }

    @Override
    protected Instant wakeBy() {
        return pausedUntil;
    }

    /** Accepts what is pending while below the bound, and starts a child for each. */
    @Override
    protected void spawnToTarget() {
        while (accepting()) {
            if (!limits.tryAcquire()) {
                return; // at max-connections: a child's exit makes room
            }
            AcceptedSocket connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                limits.release();
                pause("accept failed: " + e.getMessage());
                return;
            }
            if (connection == null) {
                limits.release();
                return;
            }
            try (connection) { // the child has its own copy once spawned; ours always closes
                if (limits.admit(connection.remote())) {
                    spawnFor(connection);
                } else {
                    limits.release(); // closed at once, counted by the limits
                }
            }
        }
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

    @Override
    protected void finished() {
        board.delete();
    }
}
