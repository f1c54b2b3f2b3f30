/**
 * The notes' pool of processes: a master creates the listening socket and pre-starts worker
 * processes that each loop on accept() ({@code process-pool}).
 *
 * <ul>
 * <li><b>Who accepts:</b> every worker JVM ({@link dev.turnstile.model.prefork.PoolWorker}), on the
 *     socket it inherited as stdin; the kernel gives each connection to a worker waiting in
 *     accept, so only idle workers take new ones. With {@code --balance reuseport} each worker
 *     binds its own SO_REUSEPORT socket instead and the kernel hashes connections over them,
 *     idle or not.</li>
 * <li><b>Who runs a connection:</b> the worker that accepted it, on one of its
 *     {@code --threads-per-worker} threads (1 by default: one connection at a time); or, with
 *     {@code --worker-model MODEL}, under the in-process model each worker runs
 *     ({@link dev.turnstile.model.prefork.HostedModel}): an event loop per worker is nginx's
 *     shape, a master and N event-loop processes on one socket. Such a worker is busy only when it
 *     holds {@code --worker-capacity} connections, and the pool's connection limits are refused
 *     (its model would apply them per worker).</li>
 * <li><b>What bounds concurrency:</b> workers times threads; the pool grows and shrinks between
 *     {@code --min} and {@code --max} to keep {@code --min-spare} to {@code --max-spare} idle
 *     workers, as Apache's prefork does ({@link dev.turnstile.model.prefork.PoolPlan}). The
 *     server's connection limits bind the pool as a whole: each worker applies them over counts
 *     all workers keep in the scoreboard ({@link dev.turnstile.model.prefork.SharedLimits}), and
 *     the master reports the hits ({@link dev.turnstile.model.prefork.LimitEpisodes}).</li>
 * <li><b>Shutdown:</b> the master writes the drain deadline into every worker's slot; each stops
 *     accepting, finishes the connections in hand, forces the rest at the deadline and exits 0;
 *     laggards get SIGTERM, then SIGKILL. Workers of a master that dies notice within 200 ms.</li>
 * </ul>
 *
 * <p>The master ({@link dev.turnstile.model.prefork.PoolMaster}) reaps and replaces dead workers
 * at once, stops a crash loop (restart intensity), stops when a worker cannot boot, terminates
 * workers whose heartbeat stopped, and recycles workers after
 * {@code --max-connections-per-worker}, and after a handler's {@link java.lang.VirtualMachineError}
 * (its connection closed, the worker stops accepting, finishes the rest and exits 70). Workers report through the
 * {@link dev.turnstile.model.process.Scoreboard}: {@link dev.turnstile.model.prefork.ScoreboardFeed}
 * turns it into the server's stats, {@link dev.turnstile.model.prefork.StatusPage} into
 * {@code turnstile status}.
 */
package dev.turnstile.model.prefork;
