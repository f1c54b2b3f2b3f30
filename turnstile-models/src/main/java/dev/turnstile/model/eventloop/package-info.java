/**
 * Event loops, the notes' third way: "single thread/process: block on multiple sockets". One
 * thread waits on every socket at once with a {@link java.nio.channels.Selector} and serves
 * whichever is ready, running the same framers and handlers as the thread models through core's
 * {@link dev.turnstile.core.Conversation}, unchanged.
 *
 * <p>{@code event-loop}: one {@link dev.turnstile.model.eventloop.SelectorLoop}.
 * <ul>
 * <li><b>Who accepts:</b> the loop itself, non-blocking, when the listener is ready
 *     ({@link dev.turnstile.model.eventloop.LoopAcceptor}); a failing accept drops OP_ACCEPT for a
 *     backoff pause instead of spinning.</li>
 * <li><b>Who runs a connection:</b> the loop, {@code turnstile-loop-1}, for the connection's whole
 *     life; handlers run on it and must not block (a call that holds it past
 *     {@code --slow-callback} is logged with the handler's name; one still holding it is logged
 *     while it does, with the loop's stack, by a {@link dev.turnstile.model.eventloop.LoopWatchdog}).</li>
 * <li><b>What bounds concurrency:</b> descriptors and memory only. Per connection, memory is
 *     bounded: reading stops while unsent replies exceed {@code --high-water} and resumes at
 *     {@code --low-water}, an unfinished message is at most the maximum message length, and idle
 *     connections are closed after {@code --idle-timeout}.</li>
 * <li><b>Shutdown:</b> the listener closes at once; open connections are served until they close
 *     or the grace ends; then idle ones are closed and busy ones get one second to write the
 *     replies in hand; anything left is closed by force and named in the report.</li>
 * </ul>
 *
 * <p>{@code multi-loop}: N loops ({@code --loops}, default one per processor), a
 * {@link dev.turnstile.model.eventloop.SelectorGroup}.
 * <ul>
 * <li><b>Who accepts:</b> with {@code --accept reuse-port} (the default) every loop accepts from a
 *     SO_REUSEPORT socket of its own and the kernel spreads connections; with {@code round-robin}
 *     the first loop accepts and hands sockets to the loops in turn.</li>
 * <li><b>Who runs a connection:</b> the loop it was given to, {@code turnstile-loop-I}, for life.</li>
 * <li><b>What bounds concurrency:</b> as {@code event-loop}; a blocking handler stalls only its loop.</li>
 * <li><b>Shutdown:</b> as {@code event-loop}, on every loop.</li>
 * </ul>
 *
 * <p>{@code loop-with-workers}: loops for I/O, a {@link dev.turnstile.model.eventloop.HandlerPool}
 * of {@code --workers} threads for handlers that block.
 * <ul>
 * <li><b>Who accepts:</b> as {@code multi-loop}.</li>
 * <li><b>Who runs a connection:</b> its loop does the I/O; each batch of messages read goes to a
 *     worker, {@code turnstile-worker-N}. A connection has at most one batch with the workers and
 *     is not read meanwhile, so its handler is never called concurrently and its replies keep
 *     their order.</li>
 * <li><b>What bounds concurrency:</b> the worker count bounds handlers running at once; waiting
 *     batches are at most one per connection.</li>
 * <li><b>Shutdown:</b> as {@code event-loop}; a connection whose handler is still running counts
 *     as busy; at the end the workers are interrupted and any that do not stop are reported.</li>
 * </ul>
 *
 * <p>None of them runs a {@link dev.turnstile.api.SessionService}: a blocking session would hold a
 * loop (or a worker) for its whole connection. They refuse one at start with a message naming
 * the models that can.
 */
package dev.turnstile.model.eventloop;
