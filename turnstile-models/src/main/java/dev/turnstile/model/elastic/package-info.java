/**
 * The notes' "grow and shrink": a thread pool between a floor and a ceiling.
 *
 * <ul>
 * <li><b>Who accepts:</b> one acceptor, {@code turnstile-acceptor-PORT}.</li>
 * <li><b>Who runs a connection:</b> an idle pool thread if there is one, else a new one while
 *     the pool is below {@code --max}.</li>
 * <li><b>What bounds concurrency:</b> {@code --max}; at the ceiling the acceptor waits and the
 *     excess waits in the listen backlog.</li>
 * <li><b>Grow and shrink:</b> {@code --min} threads start at once and stay; a thread above the
 *     floor that finds no connection for {@code --keep-alive} exits. Every change is a pool event
 *     in the stats, with its reason ("grew to 5: 4 busy, 1 waiting").</li>
 * <li><b>Shutdown:</b> the acceptor stops, connections drain, the pool's threads are stopped.</li>
 * </ul>
 */
package dev.turnstile.model.elastic;
