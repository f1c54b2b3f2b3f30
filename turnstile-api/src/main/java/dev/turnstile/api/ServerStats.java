package dev.turnstile.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * The counters and events every model reports through: connections accepted, open and closed
 * (with the reason), messages and bytes, per-worker counters and the pool size over time. The
 * demo, the tests, the status page and the benchmarks read it.
 *
 * <p><b>Thread-safety.</b> Every method may be called from any thread. Counters are
 * {@link LongAdder}s or atomics; the hot path ({@link #bytesIn}, {@link #bytesOut},
 * {@link WorkerStats#messageHandled}) allocates nothing. Listeners are called on the reporting
 * thread; one that throws is dropped from that event and the rest still run.
 *
 * <p><b>Open connections.</b> Each open connection has a {@link ConnectionStats}, made by
 * {@link #connectionOpened} (which the driver keeps, to count its bytes and messages and say
 * what it is doing) and dropped by {@link #connectionClosed}; {@link #snapshot} copies at most
 * {@value #CONNECTIONS_SHOWN} of them, the oldest first, and {@link StatsSnapshot#active} is how
 * many there are in all.
 */
public final class ServerStats {

    private static final int POOL_EVENTS_KEPT = 256;
    /** Per-connection models retire a worker per connection; past this many, retired ones are forgotten. */
    private static final int WORKERS_KEPT = 256;
    /** The most open connections a snapshot lists (the oldest); the count covers them all. */
    public static final int CONNECTIONS_SHOWN = 500;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder messages = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger peakActive = new AtomicInteger();
    private final AtomicInteger poolSize = new AtomicInteger(-1);
    private final Map<CloseReason, LongAdder> closes = new EnumMap<>(CloseReason.class);
    private final Map<ConnectionLimit, LongAdder> limitHits = new EnumMap<>(ConnectionLimit.class);
    private final ConcurrentHashMap<String, WorkerStats> workers = new ConcurrentHashMap<>();
    private final Deque<PoolEvent> poolEvents = new ArrayDeque<>(); // guarded by itself
    private final List<ServerListener> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<ConnectionInfo, ConnectionStats> open = new ConcurrentHashMap<>();
    private final LongAdder acceptFailures = new LongAdder();
    private final LongAdder acceptBackoffNanos = new LongAdder();
    private final LongAdder poolChanges = new LongAdder();
    private volatile LongConsumer handlerTimeSink; // null: nobody times the handlers

    public ServerStats() {
        for (CloseReason reason : CloseReason.values()) {
            closes.put(reason, new LongAdder()); // filled once here, read-only afterwards
        }
        for (ConnectionLimit limit : ConnectionLimit.values()) {
            limitHits.put(limit, new LongAdder()); // likewise
        }
    }

    public void addListener(ServerListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The counters of the named worker, created on first use. Call once per connection, not per message. */
    public WorkerStats worker(String name) {
        return workers.computeIfAbsent(name, n -> new WorkerStats(n, this));
    }

    /**
     * Asks every model to time its handler (System.nanoTime before and after the handler call)
     * for one message in {@value #HANDLER_TIMING_SAMPLE} of each connection's, from its first
     * handled while the sink is set, and give {@code sink} the nanoseconds on the handling thread;
     * null stops the timing. A sample, not every message: two clock reads and a histogram's record
     * per message cost an event loop 7 % of its messages/s with an echo handler. The sink must be
     * thread-safe and quick (a histogram's record). Process models' handlers run in other JVMs and
     * are not timed.
     */
    public static final int HANDLER_TIMING_SAMPLE = 8;

    public void handlerTimeSink(LongConsumer sink) {
        this.handlerTimeSink = sink;
    }

    /** The sink set by {@link #handlerTimeSink(LongConsumer)}, or null. */
    public LongConsumer handlerTimeSink() {
        return handlerTimeSink;
    }

    /** The handler took {@code nanos} for one message: passed to the {@link #handlerTimeSink}, if any. */
    public void handlerTime(long nanos) {
        LongConsumer sink = handlerTimeSink;
        if (sink != null) {
            sink.accept(nanos);
        }
    }

    void messageCounted() {
        messages.increment();
    }

    void messagesCounted(long n) {
        messages.add(n);
    }

    /**
     * Says a worker will take no more connections (a per-connection thread or process ended).
     * Its counters stay in the totals; its own row is dropped once more than 256 workers are
     * known, so a long-running per-connection server does not grow a row per connection. Until
     * then its state is {@link WorkerState#RETIRING}: gone, or about to be.
     */
    public void retireWorker(String name) {
        WorkerStats retiring = workers.get(name);
        if (retiring != null && retiring.active() == 0) {
            retiring.state(WorkerState.RETIRING);
        }
        if (workers.size() > WORKERS_KEPT) {
            workers.computeIfPresent(name, (n, w) -> w.active() == 0 ? null : w);
        }
    }

    /**
     * Counts a connection that begins and lists it as open; returns its {@link ConnectionStats},
     * which the caller keeps to count what the connection does. Call {@link #connectionClosed}
     * with the same info.
     */
    public ConnectionStats connectionOpened(ConnectionInfo connection) {
        accepted.increment();
        int now = active.incrementAndGet();
        peakActive.accumulateAndGet(now, Math::max);
        WorkerStats worker = worker(connection.worker());
        worker.opened();
        ConnectionStats stats = new ConnectionStats(connection, worker);
        open.put(connection, stats);
        for (ServerListener l : listeners) {
            try {
                l.connectionOpened(connection);
            } catch (RuntimeException e) {
                listenerFailed(l, e);
            }
        }
        return stats;
    }

    /** The open connection {@code connection}'s stats, or null if it is not open. */
    public ConnectionStats openConnection(ConnectionInfo connection) {
        return open.get(connection);
    }

    public void connectionClosed(ConnectionInfo connection, CloseReason reason) {
        ConnectionStats stats = open.get(connection);
        Instant now = Instant.now();
        connectionClosed(connection, reason, stats == null
                ? new ConnectionTotals(now, Duration.ZERO, 0, 0, 0) // never opened here: nothing known
                : new ConnectionTotals(stats.openedAt(), Duration.between(stats.openedAt(), now), stats.messages(),
                        stats.bytesIn(), stats.bytesOut()));
    }

    /**
     * Counts a connection that closed, with figures known better than from its stats here, such as
     * those a worker process reports through the scoreboard. Only the listeners see {@code totals}.
     */
    public void connectionClosed(ConnectionInfo connection, CloseReason reason, ConnectionTotals totals) {
        closed.increment();
        active.decrementAndGet();
        closes.get(reason).increment();
        open.remove(connection);
        worker(connection.worker()).closed();
        for (ServerListener l : listeners) {
            try {
                l.connectionClosed(connection, reason, totals);
            } catch (RuntimeException e) {
                listenerFailed(l, e);
            }
        }
    }

    /**
     * Counts a failed accept (other than on a closed listener) after which accepting pauses for
     * {@code backoff}; called by every accept loop.
     */
    public void acceptFailed(Duration backoff) {
        acceptFailures.increment();
        acceptBackoffNanos.add(backoff.toNanos());
    }

    public void connectionRejected(String peer, String why) {
        rejected.increment();
        for (ServerListener l : listeners) {
            try {
                l.connectionRejected(peer, why);
            } catch (RuntimeException e) {
                listenerFailed(l, e);
            }
        }
    }

    /**
     * Counts a hit of {@code limit}: once per pause for max-connections, once per connection closed
     * for the per-source limits (which also report {@link #connectionRejected}).
     */
    public void limitReached(ConnectionLimit limit) {
        limitHits.get(limit).increment();
    }

    public void bytesIn(long n) {
        bytesIn.add(n);
    }

    public void bytesOut(long n) {
        bytesOut.add(n);
    }

    /** Records a pool size change with its reason, such as "grew to 5: 4 busy, 2 waiting". */
    public void poolResized(int size, String reason) {
        poolSize.set(size);
        poolChanges.increment();
        PoolEvent event = new PoolEvent(Instant.now(), size, reason);
        synchronized (poolEvents) {
            if (poolEvents.size() == POOL_EVENTS_KEPT) {
                poolEvents.removeFirst();
            }
            poolEvents.addLast(event);
        }
        for (ServerListener l : listeners) {
            try {
                l.poolResized(event);
            } catch (RuntimeException e) {
                listenerFailed(l, e);
            }
        }
    }

    public StatsSnapshot snapshot() {
        Map<CloseReason, Long> closeCounts = new EnumMap<>(CloseReason.class);
        closes.forEach((reason, count) -> closeCounts.put(reason, count.sum()));
        Map<ConnectionLimit, Long> hits = new EnumMap<>(ConnectionLimit.class);
        limitHits.forEach((limit, count) -> hits.put(limit, count.sum()));
        List<StatsSnapshot.Worker> ws = new ArrayList<>();
        for (WorkerStats w : workers.values()) {
            ws.add(new StatsSnapshot.Worker(w.name(), w.connections(), w.messages(), w.active(), w.state(), w.kind()));
        }
        ws.sort(Comparator.comparing(StatsSnapshot.Worker::name, ServerStats::compareNatural));
        List<PoolEvent> events;
        synchronized (poolEvents) {
            events = List.copyOf(poolEvents);
        }
        List<ConnectionStats> all = new ArrayList<>(open.values());
        all.sort(Comparator.comparing(ConnectionStats::openedAt).thenComparingLong(c -> c.info().id()));
        List<StatsSnapshot.Connection> shown = new ArrayList<>(Math.min(all.size(), CONNECTIONS_SHOWN));
        for (ConnectionStats c : all.subList(0, Math.min(all.size(), CONNECTIONS_SHOWN))) {
            shown.add(new StatsSnapshot.Connection(c.info().id(), c.info().peer(), c.info().worker(), c.openedAt(),
                    c.messages(), c.bytesIn(), c.bytesOut(), c.state()));
        }
        return new StatsSnapshot(accepted.sum(), active.get(), peakActive.get(), closed.sum(), rejected.sum(),
                messages.sum(), bytesIn.sum(), bytesOut.sum(), Map.copyOf(closeCounts), List.copyOf(ws),
                poolSize.get(), events, Map.copyOf(hits), List.copyOf(shown));
    }

    // ---- single figures, read without a snapshot (for meters read on every scrape) -------------

    public long accepted() {
        return accepted.sum();
    }

    public long closed() {
        return closed.sum();
    }

    public long closedFor(CloseReason reason) {
        return closes.get(reason).sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public int active() {
        return active.get();
    }

    public long messages() {
        return messages.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long hitsOf(ConnectionLimit limit) {
        return limitHits.get(limit).sum();
    }

    /** Failed accepts, in all; see {@link #acceptFailed}. */
    public long acceptFailures() {
        return acceptFailures.sum();
    }

    /** The pauses after failed accepts, added up. */
    public Duration acceptBackoff() {
        return Duration.ofNanos(acceptBackoffNanos.sum());
    }

    /** The pool's current size, or -1 for models without a pool. */
    public int poolSize() {
        return poolSize.get();
    }

    /** Pool size changes reported, in all (the events themselves: the last 256 in the snapshot). */
    public long poolChanges() {
        return poolChanges.sum();
    }

    /** The workers known now (a live view; per-connection workers come and go). */
    public Collection<WorkerStats> workers() {
        return Collections.unmodifiableCollection(workers.values());
    }

    /** Orders "worker-2" before "worker-10". */
    private static int compareNatural(String a, String b) {
        int i = a.length(), j = b.length();
        while (i > 0 && Character.isDigit(a.charAt(i - 1))) i--;
        while (j > 0 && Character.isDigit(b.charAt(j - 1))) j--;
        int prefix = a.substring(0, i).compareTo(b.substring(0, j));
        if (prefix != 0 || i == a.length() || j == b.length()) {
            return prefix != 0 ? prefix : a.compareTo(b);
        }
        String na = a.substring(i), nb = b.substring(j);
        return na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
    }

    private static void listenerFailed(ServerListener listener, RuntimeException e) {
        System.getLogger(ServerStats.class.getName()).log(System.Logger.Level.WARNING,
                "listener " + listener.getClass().getName() + " failed", e);
    }
}
