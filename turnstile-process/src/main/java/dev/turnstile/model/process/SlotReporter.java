package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ServerListener;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.api.WorkerState;

/**
 * A worker's side of its {@link Scoreboard} slot: listens to the worker's own
 * {@link ServerStats} and mirrors it into the slot, so the master and {@code turnstile status}
 * see it. Each open and close becomes a {@link ConnectionEvent} in the slot's ring (with the
 * peer and the close reason), and the counters are copied in on every event and every
 * {@link #heartbeat}; before a close event, so a reader that sees the close (it reads the ring's
 * head with acquire semantics) also sees every message of that connection counted. The state follows the worker: IDLE while it has room for a connection, BUSY when
 * it holds as many as its capacity ({@link Scoreboard#workerCapacity()}: one, unless the pool's
 * workers run an in-process model that holds many), STOPPING from {@link #stopping()} on (never undone).
 *
 * <p><b>Thread-safety.</b> Called from the worker's connection threads and its heartbeat
 * thread; every slot write happens under {@code lock}, so the slot has one writer at a time.
 */
public final class SlotReporter implements ServerListener {

    private final Scoreboard.Slot slot;
    private final ServerStats stats;
    private final long capacity; // connections at which the worker is busy
    private final Object lock = new Object();
    private final long[] closedBy = new long[Scoreboard.CLOSE_REASONS]; // guarded by lock
    private boolean stopping;                                          // guarded by lock

    public SlotReporter(Scoreboard.Slot slot, ServerStats stats) {
        this.slot = slot;
        this.stats = stats;
        this.capacity = Math.max(1, slot.board().workerCapacity());
    }

    public Scoreboard.Slot slot() {
        return slot;
    }

    /** The worker is ready to serve (it may already be serving: connections can come before this call). */
    public void ready() {
        synchronized (lock) {
            slot.heartbeat(System.currentTimeMillis());
            if (!stopping) {
                slot.state(stateFor(flushLocked()));
            }
        }
    }

    @Override
    public void connectionOpened(ConnectionInfo connection) {
        long now = System.currentTimeMillis();
        synchronized (lock) {
            slot.appendEvent(new ConnectionEvent(ConnectionEvent.Kind.OPENED, 0, connection.id(), connection.remote(), now));
            slot.peer(connection.remote());
            slot.activity(now);
            StatsSnapshot s = flushLocked();
            if (!stopping) {
                slot.state(stateFor(s));
            }
        }
    }

    @Override
    public void connectionClosed(ConnectionInfo connection, CloseReason reason) {
        long now = System.currentTimeMillis();
        synchronized (lock) {
            int r = reason.ordinal();
            StatsSnapshot s = flushLocked(); // counters first: whoever sees the close sees its messages
            slot.closedBy(r, ++closedBy[r]);
            slot.activity(now);
            slot.appendEvent(new ConnectionEvent(ConnectionEvent.Kind.CLOSED, r, connection.id(), connection.remote(), now));
            if (!stopping) {
                slot.state(stateFor(s));
            }
        }
    }

    /** Proves the worker alive and copies the counters in (messages change between events). */
    public void heartbeat() {
        synchronized (lock) {
            slot.heartbeat(System.currentTimeMillis());
            flushLocked();
        }
    }

    /** The worker stops accepting; the slot says STOPPING from now on. */
    public void stopping() {
        synchronized (lock) {
            stopping = true;
            slot.state(Scoreboard.State.STOPPING);
        }
    }

    /** The worker's own stop is over: what it drained and forced, for the master's report. */
    public void stopped(ShutdownReport report) {
        synchronized (lock) {
            slot.stopped(report.drained(), report.forced());
            flushLocked();
        }
    }

    /** Why the worker cannot boot, for the master's error. */
    public void cannotBoot(String why) {
        synchronized (lock) {
            slot.note(why);
        }
    }

    private Scoreboard.State stateFor(StatsSnapshot s) {
        return s.active() < capacity ? Scoreboard.State.IDLE : Scoreboard.State.BUSY;
    }

    private StatsSnapshot flushLocked() {
        StatsSnapshot s = stats.snapshot();
        slot.counters(s.accepted(), s.active(), s.messages(), s.bytesIn(), s.bytesOut());
        slot.phase(busiest(s));
        return s;
    }

    /** The phase of the worker's busiest thread: writing, then handling, reading, closing, else idle. */
    static WorkerState busiest(StatsSnapshot s) {
        WorkerState best = WorkerState.IDLE;
        for (StatsSnapshot.Worker w : s.workers()) {
            if (rank(w.state()) > rank(best)) {
                best = w.state();
            }
        }
        return best;
    }

    private static int rank(WorkerState state) {
        return switch (state) {
            case WRITING -> 5;
            case HANDLING -> 4;
            case READING -> 3;
            case CLOSING -> 2;
            case STARTING, RETIRING -> 1;
            case IDLE -> 0;
        };
    }
}
