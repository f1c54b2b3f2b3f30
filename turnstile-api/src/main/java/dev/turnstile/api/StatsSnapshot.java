package dev.turnstile.api;

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
 * @param workers     per worker: name, connections, messages, active
 * @param poolSize    the pool's current size, or -1 for models without a pool
 * @param poolEvents  the most recent pool size changes, oldest first
 */
public record StatsSnapshot(long accepted, int active, int peakActive, long closed, long rejected,
                            long messages, long bytesIn, long bytesOut, Map<CloseReason, Long> closes,
                            List<Worker> workers, int poolSize, List<PoolEvent> poolEvents) {

    /** One worker's counters. */
    public record Worker(String name, long connections, long messages, int active) {
    }

    public long closedFor(CloseReason reason) {
        return closes.getOrDefault(reason, 0L);
    }
}
