/**
 * Process per connection, the notes' {@code accept(); Process(target=service).start(); ns.close()},
 * and the machinery both process models share. This package and {@code prefork} are the only
 * ones that use the native layer ({@code dev.turnstile.posix}); worker JVMs never do, except a
 * process-per-connection spare, which must receive its connection's descriptor.
 *
 * <p>{@link dev.turnstile.model.process.ProcessPerConnection} ({@code process-per-connection}):
 * <ul>
 * <li><b>Who accepts:</b> the master thread, {@code turnstile-master-PORT}, which polls the
 *     listener together with its children's pidfds ({@link dev.turnstile.model.process.ConnectionMaster}).</li>
 * <li><b>Who runs a connection:</b> a child process with the socket as its stdin and stdout: a
 *     JVM running the service ({@link dev.turnstile.model.process.ConnectionWorker}, which takes
 *     it from {@link System#inheritedChannel()}), or with {@code --exec} any program, given
 *     TCPREMOTEIP, TCPREMOTEPORT, TCPLOCALIP, TCPLOCALPORT as tcpserver gives them.</li>
 * <li><b>Spares</b> ({@code --spares K}): JVM children started ahead of demand, each handed
 *     one accepted connection's descriptor over a Unix socket; see {@link dev.turnstile.model.process.ConnectionMaster}.</li>
 * <li><b>What bounds concurrency:</b> {@code --max-children} (default 40); beyond it the master
 *     stops accepting and the excess waits in the listen backlog. The server's connection limits
 *     apply in the master too: {@code --max-connections} counts the connections with a child and
 *     those accepted and waiting for one; {@code --max-connections-per-ip} and
 *     {@code --max-accept-rate} close the excess before it gets a child.</li>
 * <li><b>Shutdown:</b> the listener closes; children finish their conversations until the drain
 *     ends, then get SIGTERM (a JVM child closes within a second), then SIGKILL.</li>
 * </ul>
 *
 * <p><b>Isolation.</b> A child that crashes (exit, kill -9, out of memory) takes only its own
 * connection with it; the master logs its peer and status and the others never notice. A
 * handler's {@link java.lang.StackOverflowError} or thrown {@link java.lang.OutOfMemoryError} closes
 * the connection {@code SERVER_ERROR}, and the child exits with it, as with every close.
 *
 * <p><b>Start cost</b>, the model's weakness, is cut where the JVM allows: a small heap, the
 * serial collector, C1 only and late, no FFM in the worker, and a class-data archive (JDK 25's
 * AOT cache by default) trained once per set of jars ({@link dev.turnstile.model.process.ClassDataArchive}).
 *
 * <p><b>Shared pieces:</b> {@link dev.turnstile.model.process.MasterLoop} (the loop: wait for a
 * signal, a child's exit or a tick; handle signals by name; reap, kill the stuck, spawn to target),
 * {@link dev.turnstile.model.process.MasterModel}, the {@link dev.turnstile.model.process.Scoreboard}
 * in shared memory, {@link dev.turnstile.model.process.WorkerJvm}, {@link dev.turnstile.model.process.ExitCodes}.
 *
 * <p><b>Signals.</b> The models install no OS signal handler: the program that embeds them owns
 * the process's signals. The CLI handles SIGINT and SIGTERM with {@code sun.misc.Signal} and
 * calls {@code stop(drain)}, which queues TERM for the master loop. Worker JVMs stop on the
 * master's request in their scoreboard slot, or on SIGTERM through a shutdown hook (the master
 * sends it only once the drain is over); they notice a dead master by its pid.
 */
package dev.turnstile.model.process;
