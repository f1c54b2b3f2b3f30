package dev.turnstile.cli;

import dev.turnstile.admin.AccessLog;
import dev.turnstile.admin.AccessLogFormat;
import dev.turnstile.admin.ServerMeters;
import dev.turnstile.admin.ServerMetrics;
import dev.turnstile.core.Server;

import java.io.IOException;
import java.util.Set;

/**
 * What watches one running server for {@code serve} and {@code demo}: the access log
 * ({@code --access-log}) and the meters ({@code --jmx}; the admin server's {@code /metrics}).
 * Every model is watched the same way, through its {@link Server#stats()}: the process models'
 * master stats carry their workers' connections (fed from the scoreboard), so the log and the
 * meters are the master's.
 *
 * <p><b>Order.</b> {@link #attachTo} before the server starts (so no close is missed), {@link #bind}
 * once it has started, {@link #close} after it stopped (the log writes what is queued and flushes).
 * <p><b>Seam for {@code /metrics}.</b> The admin server calls {@link #metrics(Server)}, which makes
 * the meters if {@code --jmx} did not, and mounts {@link ServerMetrics#endpoint()}. Without either,
 * no meter exists and the handler time is not recorded: nothing is added to the I/O path.
 * <p><b>Thread-safety.</b> The command's thread only.
 */
final class ServerInstruments implements AutoCloseable {

    /** Models whose workers are one per connection: no per-worker series (their names never repeat). */
    private static final Set<String> WORKER_PER_CONNECTION = Set.of("thread-per-connection", "virtual-threads",
            "process-per-connection", "elastic-pool");

    private final AccessLog accessLog; // null: no --access-log
    private final boolean jmx;
    private ServerMetrics metrics;     // null until wanted

    private ServerInstruments(AccessLog accessLog, boolean jmx) {
        this.accessLog = accessLog;
        this.jmx = jmx;
    }

    /** Opens the access log if one is asked for (a file that cannot be opened fails here). */
    static ServerInstruments of(ServerOptions options) throws IOException {
        AccessLogFormat format = options.accessLogFormat();
        return new ServerInstruments(options.accessLog == null ? null : AccessLog.open(options.accessLog, format),
                options.jmx);
    }

    /** Adds the access log to the server about to start. */
    Server.Builder attachTo(Server.Builder builder) {
        return accessLog == null ? builder : builder.listener(accessLog);
    }

    /** The server has started: publishes its meters over JMX if asked. */
    void bind(Server server) {
        if (jmx) {
            metrics(server);
        }
    }

    /** The server's meters, made on first call (with JMX if {@code --jmx}): for the admin server's {@code /metrics}. */
    ServerMetrics metrics(Server server) {
        if (metrics == null) {
            metrics = new ServerMetrics(server.stats(), server.modelName(),
                    WORKER_PER_CONNECTION.contains(server.modelName()) ? ServerMeters.WorkerMeters.NONE
                            : ServerMeters.WorkerMeters.PER_WORKER,
                    jmx ? ServerMetrics.Jmx.ON : ServerMetrics.Jmx.OFF);
        }
        return metrics;
    }

    /** After the server stopped: the log's last lines are written and flushed, the MBeans unregistered. */
    @Override
    public void close() throws IOException {
        try {
            if (accessLog != null) {
                accessLog.close();
                if (accessLog.dropped() > 0) {
                    System.err.println("turnstile: the access log dropped " + accessLog.dropped()
                            + " lines (it fell behind; see the 'dropped' lines in it)");
                }
            }
        } finally {
            if (metrics != null) {
                metrics.close();
            }
        }
    }
}
