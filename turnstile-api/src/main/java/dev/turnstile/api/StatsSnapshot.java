package dev.turnstile.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A consistent-enough copy of a server's counters at one moment (each counter is read
 * atomically; the set is not read under one lock).
 *
 * @param accepted    connections accepted, in all
 * @param active      connections open now
 * @param peakActive  the most connections open at once so far
 * @param closed      connections closed, in all
 * @param rejected    connections refused before they got a worker
 * @param messages    messages answered
 * @param bytesIn     bytes read from peers
 * @param bytesOut    bytes written to peers
 * @param closes      closed connections by reason
 * @param workers     per worker: name, connections, messages, active, state and kind
 * @param poolSize    the pool's current size, or -1 for models without a pool
 * @param poolEvents  the most recent pool size changes, oldest first
 * @param limitHits   per connection limit: accept pauses at max-connections (one per episode),
 *                    connections closed at once for the per-source limits (one per connection)
 * @param connections the open connections, oldest first, at most {@link ServerStats#CONNECTIONS_SHOWN}
 *                    of them ({@link #active} counts them all)
 */
public record StatsSnapshot(long accepted, int active, int peakActive, long closed, long rejected,
                            long messages, long bytesIn, long bytesOut, Map<CloseReason, Long> closes,
                            List<Worker> workers, int poolSize, List<PoolEvent> poolEvents,
                            Map<ConnectionLimit, Long> limitHits, List<Connection> connections) {

    /** As the canonical constructor, with no open connection listed. */
    public StatsSnapshot(long accepted, int active, int peakActive, long closed, long rejected, long messages,
                         long bytesIn, long bytesOut, Map<CloseReason, Long> closes, List<Worker> workers,
                         int poolSize, List<PoolEvent> poolEvents, Map<ConnectionLimit, Long> limitHits) {
        this(accepted, active, peakActive, closed, rejected, messages, bytesIn, bytesOut, closes, workers, poolSize,
                poolEvents, limitHits, List.of());
    }

    /** As the canonical constructor, with no limit hit. */
    public StatsSnapshot(long accepted, int active, int peakActive, long closed, long rejected, long messages,
                         long bytesIn, long bytesOut, Map<CloseReason, Long> closes, List<Worker> workers,
                         int poolSize, List<PoolEvent> poolEvents) {
        this(accepted, active, peakActive, closed, rejected, messages, bytesIn, bytesOut, closes, workers, poolSize,
                poolEvents, Map.of());
    }

    /** One worker's counters, state and kind. */
    public record Worker(String name, long connections, long messages, int active, WorkerState state,
                         WorkerKind kind) {

        /** A worker whose state and kind nobody reported: an idle thread. */
        public Worker(String name, long connections, long messages, int active) {
            this(name, connections, messages, active, WorkerState.IDLE, WorkerKind.THREAD);
        }
    }

    /** One open connection as it was at the snapshot. */
    public record Connection(long id, String peer, String worker, Instant openedAt, long messages, long bytesIn,
                             long bytesOut, WorkerState state) {
    }

    public long closedFor(CloseReason reason) {
        return closes.getOrDefault(reason, 0L);
    }

    /** How often {@code limit} was hit; see {@link #limitHits}. */
    public long hitsOf(ConnectionLimit limit) {
        return limitHits.getOrDefault(limit, 0L);
    }
}
