package dev.turnstile.model.prefork;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ConnectionStats;
import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ConnectionTotals;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.WorkerKind;
import dev.turnstile.api.WorkerState;
import dev.turnstile.model.process.ConnectionEvent;
import dev.turnstile.model.process.Scoreboard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The pool's metrics: turns what the workers write in the {@link Scoreboard} into the server's
 * {@link ServerStats}, so the pool reports like every in-process model: each connection event
 * in a slot's ring becomes {@code connectionOpened}/{@code connectionClosed} with the real peer
 * and close reason, and each slot's message and byte counters become increments.
 *
 * <p><b>When.</b> {@link #poll} reads every slot every {@value #PERIOD_MS} ms on its own thread;
 * the master calls {@link #retire} when it reaps a worker, before the slot can be reused, so
 * nothing a worker wrote is lost. Connections a dead worker left open are closed here as
 * {@link CloseReason#SERVER_ERROR}: they died with it. Events lost because a ring wrapped
 * between two reads (over {@value Scoreboard#RING_EVENTS} in {@value #PERIOD_MS} ms from one worker) are made up from the
 * slot's totals at retirement, with an unknown peer.
 *
 * <p><b>Order.</b> For each slot the ring's head is read first (acquire), then the counters,
 * then the events up to that head: a worker writes its counters before it publishes a close,
 * so a connection's messages are always counted before its close. The events of one read, from
 * every slot, are reported in the order they were written (the scoreboard's event sequence), so
 * a close in one worker that let another accept is reported first, and the open count and its
 * peak never show a moment that did not happen.
 *
 * <p><b>States.</b> Each read also sets every slot's worker to the slot's
 * {@link Scoreboard.Slot#workerState} (a process, idle, busy in the phase its worker last
 * reported, starting, or retiring), and the open connections of the slot to the same; a slot that
 * held a worker once and is free now shows RETIRING until it is reused. While a slot holds one
 * connection, its byte and message increments are also that connection's.
 *
 * <p><b>Limits.</b> The workers' refusals and max-connections touches ({@link SharedLimits}) are
 * read with the counters and handed to {@link LimitEpisodes}, for the stats and the log.
 *
 * <p><b>Thread-safety.</b> {@link #poll} and {@link #retire} are synchronized on the feed; the
 * per-slot cursors are guarded by it.
 */
final class ScoreboardFeed {

    private static final Logger log = LoggerFactory.getLogger(ScoreboardFeed.class);
    static final long PERIOD_MS = 50;
    private static final InetSocketAddress UNKNOWN = new InetSocketAddress("0.0.0.0", 0);

    /** What the feed has taken from one slot's current generation. Guarded by the feed. */
    private static final class Cursor {
        long generation = -1;
        long tail;
        long messages;
        long bytesIn;
        long bytesOut;
        long opened;
        long lost;
        boolean retired; // its worker is gone and everything it wrote was taken
        boolean closedSinceCounters; // a connection closed since the counters were last taken
        long touches;
        final long[] refused = new long[ConnectionLimit.values().length];
        final long[] closed = new long[Scoreboard.CLOSE_REASONS];
        final Map<Long, ConnectionInfo> open = new HashMap<>();
    }

    /** An event read from a slot, to be reported in sequence with the other slots'. */
    private record Pending(long sequence, Cursor cursor, String worker, ConnectionEvent event) {
    }

    private final Scoreboard board;
    private final ServerStats stats;
    private final InetSocketAddress local;
    private final LimitEpisodes limits;
    private final Cursor[] cursors;     // guarded by this
    private long ids;                   // guarded by this
    private volatile Thread thread;

    ScoreboardFeed(Scoreboard board, ServerStats stats, InetSocketAddress local) {
        this(board, stats, local, "process-pool");
    }

    /** @param server the model's name, for the limits' log lines */
    ScoreboardFeed(Scoreboard board, ServerStats stats, InetSocketAddress local, String server) {
        this.board = board;
        this.stats = stats;
        this.local = local;
        this.limits = new LimitEpisodes(board.limits(), stats, server);
        this.cursors = new Cursor[board.slots()];
        for (int i = 0; i < cursors.length; i++) {
            cursors[i] = new Cursor();
        }
    }

    /** The stats name of the worker in slot {@code index}: {@code worker-1} for slot 0. */
    static String workerName(int index) {
        return "worker-" + (index + 1);
    }

    void start(String threadName) {
        thread = Thread.ofPlatform().daemon().name(threadName).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                poll();
                try {
                    Thread.sleep(PERIOD_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Stops the thread after one last read. */
    void stop() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        poll();
    }

    /** Reads every slot that holds a worker; reports their events in the order they were written. */
    synchronized void poll() {
        long now = System.nanoTime();
        List<Pending> events = new ArrayList<>();
        List<Scoreboard.Slot> read = new ArrayList<>();
        long touches = 0;
        for (int i = 0; i < cursors.length; i++) {
            Scoreboard.Slot slot = board.slot(i);
            if (slot.state() != Scoreboard.State.FREE) {
                Cursor c = cursorFor(slot);
                if (!c.retired) { // retired but not freed yet: read already, to the end
                    touches += readLimits(slot, c, now);
                    read(slot, c, events);
                    read.add(slot);
                }
            }
        }
        events.sort(Comparator.comparingLong(Pending::sequence));
        report(events);
        for (Scoreboard.Slot slot : read) {
            counters(slot, cursors[slot.index()], workerName(slot.index()));
        }
        showStates();
        limits.observe(touches, board.openInAllSlots(), now);
    }

    /**
     * Takes everything left in the slot of a worker that has exited, before the master frees it:
     * the last events and counters, events lost to a wrapped ring, and connections the worker
     * never closed.
     */
    synchronized void retire(Scoreboard.Slot slot) {
        Cursor c = cursorFor(slot);
        if (c.retired) {
            return;
        }
        long now = System.nanoTime();
        long touches = readLimits(slot, c, now);
        List<Pending> events = new ArrayList<>();
        read(slot, c, events);
        report(events);
        String worker = workerName(slot.index());
        counters(slot, c, worker);
        limits.observe(touches, board.openInAllSlots() - slot.open(), now); // the slot's own are gone with it
        for (long n = slot.connections() - c.opened; n > 0; n--) {
            opened(c, -(++c.lost), UNKNOWN, worker);
        }
        for (int r = 0; r < Scoreboard.CLOSE_REASONS; r++) {
            for (long n = slot.closedBy(r) - c.closed[r]; n > 0; n--) {
                Iterator<Long> any = c.open.keySet().iterator();
                closed(c, any.hasNext() ? any.next() : -(++c.lost), r, UNKNOWN, worker, null);
            }
        }
        for (Long id : c.open.keySet().toArray(Long[]::new)) {
            closed(c, id, CloseReason.SERVER_ERROR.ordinal(), UNKNOWN, worker, null); // died with its worker
        }
        c.retired = true; // until the slot holds a new generation, which gets a fresh cursor
    }

    /** Each slot's state onto its worker and its open connections. */
    private void showStates() {
        for (int i = 0; i < cursors.length; i++) {
            Scoreboard.Slot slot = board.slot(i);
            Cursor c = cursors[i];
            if (slot.state() == Scoreboard.State.FREE && c.generation == -1) {
                continue; // never held a worker: not listed
            }
            WorkerState state = slot.workerState();
            stats.worker(workerName(i)).kind(WorkerKind.PROCESS).state(state);
            for (ConnectionInfo info : c.open.values()) {
                ConnectionStats connection = stats.openConnection(info);
                if (connection != null) {
                    connection.state(state);
                }
            }
        }
    }

    /** The one connection the slot holds, or null if it holds none or several. */
    private ConnectionStats onlyConnection(Cursor c) {
        if (c.open.size() != 1) {
            return null;
        }
        return stats.openConnection(c.open.values().iterator().next());
    }

    private Cursor cursorFor(Scoreboard.Slot slot) {
        Cursor c = cursors[slot.index()];
        long generation = slot.generation();
        if (c.generation != generation) {
            Cursor fresh = new Cursor();
            fresh.generation = generation;
            cursors[slot.index()] = fresh;
            return fresh;
        }
        return c;
    }

    /** The slot's refusals since the last read, to the stats; returns its new max-connections touches. */
    private long readLimits(Scoreboard.Slot slot, Cursor c, long now) {
        InetSocketAddress peer = null;
        for (ConnectionLimit limit : ConnectionLimit.values()) {
            long refused = slot.refusedBy(limit);
            if (refused > c.refused[limit.ordinal()]) {
                if (peer == null) {
                    peer = slot.lastRefused();
                }
                limits.refused(limit, refused - c.refused[limit.ordinal()], peer, now);
                c.refused[limit.ordinal()] = refused;
            }
        }
        long touches = slot.ceilingTouches();
        long fresh = Math.max(0, touches - c.touches);
        c.touches = touches;
        return fresh;
    }

    private void report(List<Pending> events) {
        for (Pending p : events) {
            ConnectionEvent e = p.event();
            if (e.kind() == ConnectionEvent.Kind.OPENED) {
                opened(p.cursor(), e.id(), e.peer(), p.worker());
            } else {
                closed(p.cursor(), e.id(), e.reasonOrdinal(), e.peer(), p.worker(), e);
            }
        }
    }

    /**
     * Takes the slot's new events; its counters are taken by {@link #counters} once the events are
     * reported, so a connection opened since the last poll is open when its figures arrive.
     */
    private void read(Scoreboard.Slot slot, Cursor c, List<Pending> events) {
        String worker = workerName(slot.index());
        long head = slot.eventHead(); // first: the counters read after the events are at least as new
        if (head - c.tail > Scoreboard.RING_EVENTS) {
            long lost = head - c.tail - Scoreboard.RING_EVENTS;
            log.warn("{}: {} connection events lost (more than {} between two reads); made up from totals later",
                    worker, lost, Scoreboard.RING_EVENTS);
            c.tail = head - Scoreboard.RING_EVENTS;
        }
        for (; c.tail < head; c.tail++) {
            ConnectionEvent e = slot.event(c.tail);
            long sequence = slot.eventSequence(c.tail);
            if (slot.eventHead() - c.tail >= Scoreboard.RING_EVENTS) {
                continue; // overwritten while we read it: made up from totals at retirement
            }
            events.add(new Pending(sequence, c, worker, e));
        }
    }

    /**
     * The slot's counters since the last poll, to the totals and, when the slot holds one connection
     * and none closed since the last poll (whose figures the delta could hold), to that connection.
     * A closed connection's own figures come exact with its close event.
     */
    private void counters(Scoreboard.Slot slot, Cursor c, String worker) {
        ConnectionStats only = c.closedSinceCounters ? null : onlyConnection(c);
        c.closedSinceCounters = false;
        long messages = slot.messages();
        if (messages > c.messages) {
            stats.worker(worker).messagesHandled(messages - c.messages);
            if (only != null) {
                only.messagesHandled(messages - c.messages);
            }
            c.messages = messages;
        }
        long in = slot.bytesIn();
        if (in > c.bytesIn) {
            stats.bytesIn(in - c.bytesIn);
            if (only != null) {
                only.read(in - c.bytesIn);
            }
            c.bytesIn = in;
        }
        long out = slot.bytesOut();
        if (out > c.bytesOut) {
            stats.bytesOut(out - c.bytesOut);
            if (only != null) {
                only.wrote(out - c.bytesOut);
            }
            c.bytesOut = out;
        }
    }

    private void opened(Cursor c, long id, InetSocketAddress peer, String worker) {
        ConnectionInfo info = new ConnectionInfo(++ids, peer, local, worker);
        c.open.put(id, info);
        c.opened++;
        stats.connectionOpened(info);
    }

    /** @param event the worker's close event, with the connection's figures; null if made up here */
    private void closed(Cursor c, long id, int reasonOrdinal, InetSocketAddress peer, String worker, ConnectionEvent event) {
        ConnectionInfo info = c.open.remove(id);
        c.closedSinceCounters = true;
        if (info == null) { // its open was lost: count it now
            info = new ConnectionInfo(++ids, peer, local, worker);
            c.opened++;
            stats.connectionOpened(info);
        }
        CloseReason[] reasons = CloseReason.values();
        if (reasonOrdinal >= 0 && reasonOrdinal < reasons.length) {
            c.closed[reasonOrdinal]++;
        }
        CloseReason reason = reasonOrdinal >= 0 && reasonOrdinal < reasons.length
                ? reasons[reasonOrdinal] : CloseReason.SERVER_ERROR;
        if (event == null) {
            stats.connectionClosed(info, reason);
        } else { // the worker's figures: the feed saw the open up to a poll late
            Duration open = Duration.ofNanos(event.openMicros() * 1000);
            stats.connectionClosed(info, reason, new ConnectionTotals(Instant.ofEpochMilli(event.atMillis()).minus(open),
                    open, event.messages(), event.bytesIn(), event.bytesOut()));
        }
    }
}
