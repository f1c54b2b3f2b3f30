package dev.turnstile.bench;

import dev.turnstile.loadgen.Workload;

import java.util.Optional;

/**
 * Decides which cells of the matrix are run, and says why a cell is not. The rules:
 *
 * <ul>
 * <li><b>A bounded model holding more connections than it serves.</b> In ping-pong and think every
 *     client keeps its connection for the whole run. A pool of N workers serves N of them; the rest
 *     wait in the listen backlog until a served one closes, which never happens during the run.
 *     Those clients get no reply at all (counted as missing), so the cell would measure the queue,
 *     not the model. Such a cell is skipped; each bounded model gets a cell at exactly its size
 *     instead (see {@link BenchPlan#connectionsFor}).</li>
 * <li><b>Churn with more than {@value #MAX_CHURN_CLIENTS} parallel clients.</b> Every churn
 *     connection leaves a socket in TIME_WAIT; ten thousand clients connecting and closing in
 *     parallel run through the 28,232 ephemeral ports of one source address in a second or two,
 *     and the cell would measure the kernel's port allocator. Skipped for every contender alike.
 *     Churn is run for bounded models at any smaller count: the queue in the backlog is then the
 *     model's honest behaviour (each client is served in turn).</li>
 * </ul>
 */
public final class Feasibility {

    /** The most parallel clients a churn cell uses. */
    public static final int MAX_CHURN_CLIENTS = 1_000;

    private Feasibility() {
    }

    /** True if every client keeps its connection open for the whole run (ping-pong, think); false for churn. */
    public static boolean holdsConnections(Workload workload) {
        return workload != Workload.CHURN;
    }

    /** Why {@code cell} is not run, or empty if it is. */
    public static Optional<String> skipReason(Cell cell) {
        Contender contender = cell.contender();
        int connections = cell.connections();
        if (holdsConnections(cell.workload()) && !contender.holds(connections)) {
            int capacity = contender.capacity().orElseThrow();
            return Optional.of(String.format(
                    "serves %d connections at once; the other %,d would wait in the backlog for the whole run",
                    capacity, connections - capacity));
        }
        if (!holdsConnections(cell.workload()) && connections > MAX_CHURN_CLIENTS) {
            return Optional.of(String.format(
                    "%,d parallel connect/close clients exhaust the ephemeral ports through TIME_WAIT",
                    connections));
        }
        return Optional.empty();
    }
}
