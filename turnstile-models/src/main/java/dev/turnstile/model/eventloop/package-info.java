/**
 * Event loops, the notes' third way: "single thread/process: block on multiple sockets". One
 * thread waits on every socket at once with a {@link java.nio.channels.Selector} and serves
 * whichever is ready, running the same framers and handlers as the thread models through core's
 * {@link dev.turnstile.core.Conversation}, unchanged.
 *
 * <p><b>Faults.</b> A handler that fails, with an exception or an {@link java.lang.Error} (a
 * {@link java.lang.StackOverflowError}, an {@link java.lang.OutOfMemoryError}), costs only its own
 * connection, closed {@code SERVER_ERROR}: the loop, or the handler pool's worker, catches it where
 * it called the handler and serves on (a stack overflow has unwound by then; a failed allocation is
 * as likely that connection's). Only a failure of the loop's own code ends a loop, and the server.
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
 * <p><b>The connection handle.</b> Each connection is the {@link dev.turnstile.core.ConnectionHandle.Owner}
 * of its handle (the {@link dev.turnstile.api.Connection} its handler gets in {@code onOpen}); the
 * loop that runs it is the only thread that touches its socket.
 * <ul>
 * <li><b>PROXY protocol:</b> when it is on, a registered socket first has a
 *     {@link dev.turnstile.model.eventloop.ProxyStage} as its key's attachment, which reads the
 *     header and nothing past it; the connection (handler, handle, open) is made only once the
 *     header names the client, and a refused one never has a handler.</li>
 * <li><b>Open:</b> right after registration (after the PROXY header, if on), on the loop ({@code event-loop}, {@code multi-loop}),
 *     or as the connection's first worker job ({@code loop-with-workers}); a greeting is written
 *     as replies are, and the connection is not read before the open returns.</li>
 * <li><b>Sends, tasks, timers from other threads:</b> queued on the handle, which wakes the
 *     connection once per drain: one preallocated task per connection is posted to the loop.
 *     With handlers on the loop, it drains there and writes as after a read (through the
 *     staging buffer, or after what is unsent); with workers, it starts a drain-only job, or, if a
 *     job runs, one right after it. A wake always ends in a drain: only a drain re-arms it.</li>
 * <li><b>Bound:</b> the connection publishes its unsent bytes to the handle whenever their count
 *     changes (never on the fast path, where nothing stays unsent); a send past
 *     {@code maxPendingBytes}, counting those and the queued bytes, or a callback that leaves more
 *     than that unsent, closes the connection as {@link dev.turnstile.api.CloseReason#SLOW_CONSUMER}.
 *     The water marks pause reading only: a paused connection still takes queued sends.</li>
 * <li><b>Close now</b> ({@code close()}, the bound): posted to the loop, which closes at once with
 *     the handle's reason, dropping what is unsent; the sender never waits. The handler's
 *     {@code onClose} and the handle's close future get the real reason, after a running worker
 *     job if one holds the handler.</li>
 * <li><b>Timers:</b> one {@link dev.turnstile.core.ConnectionTimers} thread per model, owned by the
 *     {@link dev.turnstile.model.eventloop.SelectorGroup} and stopped with the loops; a due task is
 *     only queued on its handle.</li>
 * <li><b>TLS:</b> with {@code ServerConfig.tls()} set, each connection's socket is wrapped in a
 *     {@link dev.turnstile.core.tls.TlsChannel}; the loop drives the handshake
 *     ({@link dev.turnstile.model.eventloop.TlsHandshake}, delegated tasks inline) and the open
 *     comes after it; everything above then works on plaintext, with the same water marks.</li>
 * <li><b>Framing:</b> the service's own {@link dev.turnstile.api.FramerFactory} if it brings one,
 *     else the server's {@code --framing}; chosen once per loop.</li>
 * </ul>
 *
 * <p>None of them runs a {@link dev.turnstile.api.SessionService}: a blocking session would hold a
 * loop (or a worker) for its whole connection. They refuse one at start with a message naming
 * the models that can.
 */
package dev.turnstile.model.eventloop;
