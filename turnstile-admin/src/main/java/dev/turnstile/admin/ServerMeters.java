package dev.turnstile.admin;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ServerListener;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.WorkerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Binds a server's {@link ServerStats} into a Micrometer registry, under names that come out in
 * Prometheus' conventions ({@code snake_case}, base units, {@code _total} on counters): see the
 * README's "Metrics" section for the list.
 *
 * <p><b>Cost.</b> Counters and gauges are functions over the stats, read when the registry is
 * scraped (or, for JMX, polled): nothing is added to the I/O path. The exceptions are the handler
 * time, a {@link Timer} fed through {@link ServerStats#handlerTimeSink} once per handled message, and
 * the per-worker meters, registered on a worker's first connection (one set lookup per connection).
 * <p><b>Cardinality.</b> Tags are bounded: close reasons and limits are enums; per-worker meters are
 * registered only for models with a fixed set of workers ({@link WorkerMeters#PER_WORKER}) and at
 * most {@value #MAX_WORKER_SERIES} workers. Never a peer address.
 * <p><b>Thread-safety.</b> Binding happens once; the meters read atomics and may be read from any thread.
 */
public final class ServerMeters implements MeterBinder {

    /** Whether the model's workers get meters of their own. */
    public enum WorkerMeters {
        /** A fixed set of workers (pool slots, loops, pool processes): a series per worker. */
        PER_WORKER,
        /** A worker per connection (thread, virtual thread, process per connection): totals only. */
        NONE
    }

    static final int MAX_WORKER_SERIES = 256;
    /** The handler-time histogram's upper bounds: a microsecond to ten seconds, by powers of ten. */
    static final Duration[] HANDLER_BUCKETS = {
            Duration.ofNanos(1_000), Duration.ofNanos(10_000), Duration.ofNanos(100_000), Duration.ofMillis(1),
            Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10)};

    private final ServerStats stats;
    private final String model;
    private final WorkerMeters workerMeters;
    private final Set<String> workersWithMeters = ConcurrentHashMap.newKeySet();

    /**
     * @param model the model's name, a tag on {@code turnstile_server_info}
     */
    public ServerMeters(ServerStats stats, String model, WorkerMeters workerMeters) {
        this.stats = Objects.requireNonNull(stats, "stats");
        this.model = Objects.requireNonNull(model, "model");
        this.workerMeters = Objects.requireNonNull(workerMeters, "workerMeters");
    }

    /** Binds every meter; call once per registry (a composite for several). Sets the stats' handler-time sink. */
    @Override
    public void bindTo(MeterRegistry registry) {
        ServerStats s = stats;
        Gauge.builder("turnstile.server.info", () -> 1).tag("model", model)
                .description("The model serving, as a tag; always 1").register(registry);
        Gauge.builder("turnstile.connections.open", s, ServerStats::active)
                .description("Connections open now").register(registry);
        FunctionCounter.builder("turnstile.connections.accepted", s, ServerStats::accepted)
                .description("Connections accepted").register(registry);
        FunctionCounter.builder("turnstile.connections.rejected", s, ServerStats::rejected)
                .description("Connections refused before they got a worker").register(registry);
        for (CloseReason reason : CloseReason.values()) {
            FunctionCounter.builder("turnstile.connections.closed", s, st -> st.closedFor(reason))
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .description("Connections closed, by reason").register(registry);
        }
        FunctionCounter.builder("turnstile.messages", s, ServerStats::messages)
                .description("Messages answered").register(registry);
        FunctionCounter.builder("turnstile.bytes.received", s, ServerStats::bytesIn)
                .description("Bytes read from peers").register(registry);
        FunctionCounter.builder("turnstile.bytes.sent", s, ServerStats::bytesOut)
                .description("Bytes written to peers").register(registry);
        FunctionCounter.builder("turnstile.accept.errors", s, ServerStats::acceptFailures)
                .description("Accepts that failed (such as out of descriptors); each pauses accepting").register(registry);
        FunctionCounter.builder("turnstile.accept.backoff.seconds", s, st -> st.acceptBackoff().toNanos() / 1e9)
                .description("Time accepting was paused after failed accepts").register(registry);
        for (ConnectionLimit limit : ConnectionLimit.values()) {
            FunctionCounter.builder("turnstile.limit.hits", s, st -> st.hitsOf(limit))
                    .tag("limit", limit.option())
                    .description("Connection limits hit: accept pauses at max-connections, connections closed"
                            + " for the per-source limits").register(registry);
        }
        Gauge.builder("turnstile.pool.size", s, st -> st.poolSize() < 0 ? Double.NaN : st.poolSize())
                .description("The pool's size now (NaN for models without a pool)").register(registry);
        FunctionCounter.builder("turnstile.pool.changes", s, ServerStats::poolChanges)
                .description("Pool size changes (grew, shrank, replaced)").register(registry);
        Timer handlerTime = Timer.builder("turnstile.handler")
                .description("Time the service's handler took per message")
                .serviceLevelObjectives(HANDLER_BUCKETS)
                .register(registry);
        s.handlerTimeSink(nanos -> handlerTime.record(nanos, TimeUnit.NANOSECONDS));
        if (workerMeters == WorkerMeters.PER_WORKER) {
            for (WorkerStats w : s.workers()) {
                bindWorker(registry, w.name());
            }
            s.addListener(new ServerListener() {
                @Override
                public void connectionOpened(ConnectionInfo connection) {
                    if (!workersWithMeters.contains(connection.worker())) {
                        bindWorker(registry, connection.worker());
                    }
                }
            });
        }
    }

    private void bindWorker(MeterRegistry registry, String name) {
        if (workersWithMeters.size() >= MAX_WORKER_SERIES || !workersWithMeters.add(name)) {
            return;
        }
        WorkerStats w = stats.worker(name);
        Tags tags = Tags.of("worker", name);
        FunctionCounter.builder("turnstile.worker.connections", w, WorkerStats::connections).tags(tags)
                .description("Connections a worker has taken").register(registry);
        FunctionCounter.builder("turnstile.worker.messages", w, WorkerStats::messages).tags(tags)
                .description("Messages a worker has answered").register(registry);
        Gauge.builder("turnstile.worker.connections.open", w, WorkerStats::active).tags(tags)
                .description("Connections a worker runs now").register(registry);
    }
}
