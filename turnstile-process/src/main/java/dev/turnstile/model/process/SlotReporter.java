package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ConnectionTotals;
import dev.turnstile.api.ServerListener;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;

/**
 * A worker's side of its {@link Scoreboard} slot: listens to the worker's own
 * {@link ServerStats} and mirrors it into the slot, so the master and {@code turnstile status}
 * see it. Each open and close becomes a {@link ConnectionEvent} in the slot's ring (with the
 * peer and the close reason), and the counters are copied in on every event and every
 * {@link #heartbeat}; before a close event, so a reader that sees the close (it reads the ring's
 * head with acquire semantics) also sees every message of that connection counted. The state follows the worker: IDLE when it has no connection, BUSY when
 * it has one, STOPPING from {@link #stopping()} on (never undone).
 *
 * <p><b>Thread-safety.</b> Called from the worker's connection threads and its heartbeat
 * thread; every slot write happens under {@code lock}, so the slot has one writer at a time.
 */
public final class SlotReporter implements ServerListener {

    private final Scoreboard.Slot slot;
    private final ServerStats stats;
    private final Object lock = new Object();
    private final long[] closedBy = new long[Scoreboard.CLOSE_REASONS]; // guarded by lock
    private boolean stopping;                                          // guarded by lock

    public SlotReporter(Scoreboard.Slot slot, ServerStats stats) {
        this.slot = slot;
        this.stats = stats;
    }

    public Scoreboard.Slot slot() {
        return slot;
    }

    /** The worker is ready to serve (it may already be serving: connections can come before this call). */
    public void ready() {
        synchronized (lock) {
            slot.heartbeat(System.currentTimeMillis());
            if (!stopping) {
                slot.state(flushLocked().active() == 0 ? Scoreboard.State.IDLE : Scoreboard.State.BUSY);
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
            if (!stopping) {
                slot.state(Scoreboard.State.BUSY);
            }
            flushLocked();
        }
    }

    @Override
    public void connectionClosed(ConnectionInfo connection, CloseReason reason, ConnectionTotals totals) {
        long now = System.currentTimeMillis();
        synchronized (lock) {
            int r = reason.ordinal();
            StatsSnapshot s = flushLocked(); // counters first: whoever sees the close sees its messages
            slot.closedBy(r, ++closedBy[r]);
            slot.activity(now);
            slot.appendEvent(new ConnectionEvent(ConnectionEvent.Kind.CLOSED, r, connection.id(), connection.remote(), now,
                    totals.messages(), totals.bytesIn(), totals.bytesOut(), totals.open().toNanos() / 1000));
            if (!stopping && s.active() == 0) {
                slot.state(Scoreboard.State.IDLE);
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

    private StatsSnapshot flushLocked() {
        StatsSnapshot s = stats.snapshot();
        slot.counters(s.accepted(), s.active(), s.messages(), s.bytesIn(), s.bytesOut());
        return s;
    }
}
