package dev.turnstile.admin;

import dev.turnstile.api.ServerStats;
import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.lang.management.ManagementFactory;
import java.util.Objects;

/**
 * The meters of one running server: its {@link ServerMeters} and the JVM's and process's
 * (memory, GC, threads, CPU, uptime, file descriptors), in a Prometheus registry always (scraped
 * through {@link MetricsEndpoint} at {@code /metrics}) and, with {@link Jmx#ON}, in a JMX registry
 * on the platform MBean server too ({@code --jmx}), under the domain {@value #JMX_DOMAIN}. Both are
 * fed by one composite registry, so each meter, and the handler-time histogram's one sink, serves both.
 * Two of Micrometer's process meters are changed for Prometheus, whose linter ({@code promtool check
 * metrics}) refuses them: {@code process_cpu_time_ns_total} (an abbreviated unit) gives way to the
 * conventional {@code process_cpu_seconds_total}, and the gauge {@code system_cpu_count} (a gauge must
 * not end in {@code _count}) is {@code system_cpus}.
 *
 * <p><b>Lifecycle.</b> Bound at creation; {@link #close} unregisters the MBeans, stops the GC
 * listener and the handler timing (after the server stopped, so its last figures can still be scraped until then).
 * <p><b>Thread-safety.</b> Safe to scrape from any thread.
 */
public final class ServerMetrics implements AutoCloseable {

    /** Whether the meters are published over JMX as well. */
    public enum Jmx { ON, OFF }

    public static final String JMX_DOMAIN = "turnstile";

    private final CompositeMeterRegistry composite = new CompositeMeterRegistry();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JmxMeterRegistry jmx; // null without --jmx
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final ServerStats stats;

    public ServerMetrics(ServerStats stats, String model, ServerMeters.WorkerMeters workerMeters, Jmx jmx) {
        this.stats = Objects.requireNonNull(stats, "stats");
        prometheus.config()
                .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time")) // nanoseconds: process_cpu_seconds_total instead
                .meterFilter(new MeterFilter() { // a gauge must not end in _count: promtool's lint
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
                    }
                });
        composite.add(prometheus);
        if (jmx == Jmx.ON) {
            this.jmx = new JmxMeterRegistry(new JmxConfig() {
                @Override
                public String get(String key) {
                    return null;
                }

                @Override
                public String domain() {
                    return JMX_DOMAIN;
                }
            }, io.micrometer.core.instrument.Clock.SYSTEM);
            composite.add(this.jmx);
        } else {
            this.jmx = null;
        }
        new ServerMeters(stats, model, workerMeters).bindTo(composite);
        new JvmMemoryMetrics().bindTo(composite);
        gc.bindTo(composite);
        new JvmThreadMetrics().bindTo(composite);
        new ProcessorMetrics().bindTo(composite);
        new UptimeMetrics().bindTo(composite);
        new FileDescriptorMetrics().bindTo(composite);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu.seconds", os, o -> o.getProcessCpuTime() / 1e9)
                    .description("CPU time the JVM process used, in all").register(composite);
        }
    }

    /** The registry {@code /metrics} scrapes. */
    public PrometheusMeterRegistry prometheus() {
        return prometheus;
    }

    /** Every meter, for tests and for further binders. */
    public MeterRegistry registry() {
        return composite;
    }

    /** An HTTP handler serving the scrape, for the admin server's {@code /metrics}. */
    public MetricsEndpoint endpoint() {
        return new MetricsEndpoint(prometheus);
    }

    @Override
    public void close() {
        stats.handlerTimeSink(null); // no more timing of handlers for meters that are gone
        gc.close();
        if (jmx != null) {
            jmx.close();
        }
        composite.close();
    }
}
