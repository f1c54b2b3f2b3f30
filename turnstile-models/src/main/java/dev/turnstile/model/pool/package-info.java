/**
 * Pools of pre-created threads, the notes' "create in advance and reuse": no start-up cost per
 * connection, and an upper bound on concurrency.
 *
 * <p>{@link dev.turnstile.model.pool.SharedAcceptPool} ({@code thread-pool}): N workers, each
 * looping on accept() of the shared listening socket, as the notes' process pool does.
 * <ul>
 * <li><b>Who accepts:</b> every worker, {@code turnstile-worker-I}; the kernel wakes one per connection.</li>
 * <li><b>Who runs a connection:</b> the worker that accepted it, to its end.</li>
 * <li><b>What bounds concurrency:</b> the pool size; the excess waits in the listen backlog.</li>
 * <li><b>Shutdown:</b> closing the listener ends every idle worker's accept; busy ones drain.</li>
 * </ul>
 *
 * <p>{@link dev.turnstile.model.pool.HandoffPool} ({@code thread-pool-handoff}): the notes'
 * second pool: one acceptor hands each socket to a free worker through a condition variable.
 * <ul>
 * <li><b>Who accepts:</b> one acceptor, {@code turnstile-acceptor-PORT}, and only while a worker is free.</li>
 * <li><b>Who runs a connection:</b> the worker the {@link dev.turnstile.model.pool.HandoffPolicy} picks.</li>
 * <li><b>What bounds concurrency:</b> the pool size; the excess waits in the listen backlog.</li>
 * <li><b>Shutdown:</b> the acceptor stops, busy workers drain, idle workers are woken and exit.</li>
 * </ul>
 */
package dev.turnstile.model.pool;
