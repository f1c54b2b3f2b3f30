package dev.turnstile.loadgen;

import dev.turnstile.api.Framing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One load run's settings; built with {@link #builder()}, validated on construction with messages
 * that name the option.
 *
 * <p><b>How the bounds interact.</b> Every connection first connects (except under churn), then
 * all start together. For {@code warmup} they run unmeasured; then the measured window of
 * {@code duration} opens. A reply counts if it arrives inside the window. A connection stops
 * after {@code messagesPerConnection} counted replies (0: no count bound) or sends nothing meant
 * to go after the window, whichever comes first, so every run ends by itself; replies still due
 * are awaited (and checked, not counted) for at most {@code timeout}.
 *
 * @param workload              what each connection does
 * @param host                  the server; loopback only (127.0.0.0/8 or ::1)
 * @param port                  the server's port
 * @param connections           concurrent connections (under churn: concurrent connect-send-close cycles)
 * @param threads               selector threads sharing the connections; at most {@code connections}
 * @param duration              the measured window's length, and the run's bound
 * @param messagesPerConnection counted messages after which a connection stops; 0 for none
 * @param warmup                unmeasured running before the window
 * @param messageSet            the messages sent in turn
 * @param framing               {@link Framing#LINE} or {@link Framing#RAW}, as the server uses
 * @param thinkMax              the think workload's longest pause before a message
 * @param rate                  the rate workload's total messages per second over all connections
 * @param sourceAddresses       local addresses to bind round-robin; empty lets the kernel choose
 * @param processes             child JVMs to spread the connections over; 1 runs in this JVM
 * @param timeout               the longest wait for a connect or a reply before it counts as a timeout
 * @param tls                   plaintext, or TLS and whom it trusts; a TLS handshake is part of connecting
 *                              (its time counts toward the connect timeout, and under churn toward the cycle)
 */
public record LoadOptions(Workload workload, InetAddress host, int port, int connections, int threads,
                          Duration duration, long messagesPerConnection, Duration warmup, MessageSet messageSet,
                          Framing framing, Duration thinkMax, double rate, List<InetAddress> sourceAddresses,
                          int processes, Duration timeout, ClientTls tls) {

    public static final int DEFAULT_PORT = 20446;
    public static final int DEFAULT_CONNECTIONS = 100;
    /**
     * Two selector threads (one on a single-processor machine): measured on two cores against
     * single-loop servers, one client thread fell into lock-step with the server loop (each
     * waiting for the other's batch), while two kept both sides busy.
     */
    public static final int DEFAULT_THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(1);
    public static final Duration DEFAULT_THINK_MAX = Duration.ofSeconds(3);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int MAX_CONNECTIONS = 1_000_000;
    public static final int MAX_THREADS = 64;
    public static final int MAX_PROCESSES = 64;
    public static final Duration MAX_DURATION = Duration.ofHours(24);
    public static final Duration MAX_WAIT = Duration.ofHours(1);
    public static final double MAX_RATE = 10_000_000;

    public LoadOptions {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(messageSet, "messageSet");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(thinkMax, "thinkMax");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(tls, "tls");
        sourceAddresses = List.copyOf(sourceAddresses);
        LoopbackAddress.require("host", host);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535 (got " + port + ")");
        }
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("connections must be between 1 and " + MAX_CONNECTIONS
                    + " (got " + connections + ")");
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be between 1 and " + MAX_THREADS + " (got " + threads + ")");
        }
        if (processes < 1 || processes > MAX_PROCESSES) {
            throw new IllegalArgumentException("processes must be between 1 and " + MAX_PROCESSES
                    + " (got " + processes + ")");
        }
        if (processes > connections) {
            throw new IllegalArgumentException("processes must be <= connections (got " + processes + " > "
                    + connections + ")");
        }
        threads = Math.min(threads, (connections + processes - 1) / processes);
        requireWithin("duration", duration, MAX_DURATION, false);
        requireWithin("warmup", warmup, MAX_WAIT, true);
        requireWithin("timeout", timeout, MAX_WAIT, false);
        requireWithin("think-max", thinkMax, MAX_WAIT, false);
        if (messagesPerConnection < 0) {
            throw new IllegalArgumentException("messages must be >= 1 per connection (got " + messagesPerConnection + ")");
        }
        if (framing == Framing.AUTO) {
            throw new IllegalArgumentException("framing must be line or raw (got auto): the load generator "
                    + "must know where each reply ends");
        }
        if (workload == Workload.RATE && !(rate > 0 && rate <= MAX_RATE)) {
            throw new IllegalArgumentException("the rate workload needs rate between 0 and " + (long) MAX_RATE
                    + " messages/s (got " + rate + ")");
        }
        if (workload != Workload.RATE && rate != 0) {
            throw new IllegalArgumentException("rate applies only to the rate workload (workload is "
                    + workload.cliName() + ")");
        }
        for (InetAddress a : sourceAddresses) {
            LoopbackAddress.require("source address", a);
            if ((a instanceof Inet4Address) != (host instanceof Inet4Address)) {
                throw new IllegalArgumentException("source address " + a.getHostAddress()
                        + " is not of the same family as host " + host.getHostAddress());
            }
        }
    }

    private static void requireWithin(String knob, Duration d, Duration max, boolean zeroAllowed) {
        Objects.requireNonNull(d, knob);
        if (d.isNegative() || (!zeroAllowed && d.isZero()) || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(knob + " must be " + (zeroAllowed ? ">= 0" : "> 0")
                    + " and at most " + max.toHours() + " h (got " + DurationText.format(d) + ")");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive a variant. */
    public Builder toBuilder() {
        return new Builder().workload(workload).host(host).port(port).connections(connections).threads(threads)
                .duration(duration).messagesPerConnection(messagesPerConnection).warmup(warmup)
                .messageSet(messageSet).framing(framing).thinkMax(thinkMax).rate(rate)
                .sourceAddresses(sourceAddresses).processes(processes).timeout(timeout).tls(tls);
    }

    /** Collects settings; everything has a default except the port's being right for your server. */
    public static final class Builder {
        private Workload workload = Workload.PING_PONG;
        private InetAddress host = InetAddress.getLoopbackAddress();
        private int port = DEFAULT_PORT;
        private int connections = DEFAULT_CONNECTIONS;
        private int threads = DEFAULT_THREADS;
        private Duration duration = DEFAULT_DURATION;
        private long messagesPerConnection;
        private Duration warmup = DEFAULT_WARMUP;
        private MessageSet messageSet = MessageSet.notes();
        private Framing framing = Framing.LINE;
        private Duration thinkMax = DEFAULT_THINK_MAX;
        private double rate;
        private List<InetAddress> sourceAddresses = List.of();
        private int processes = 1;
        private Duration timeout = DEFAULT_TIMEOUT;
        private ClientTls tls = ClientTls.PLAINTEXT;

        private Builder() {
        }

        public Builder workload(Workload workload) {
            this.workload = workload;
            return this;
        }

        /** A loopback literal or {@code localhost}; anything else is refused. */
        public Builder host(String host) {
            this.host = LoopbackAddress.parse("host", host);
            return this;
        }

        public Builder host(InetAddress host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder connections(int connections) {
            this.connections = connections;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        public Builder messagesPerConnection(long messages) {
            this.messagesPerConnection = messages;
            return this;
        }

        public Builder warmup(Duration warmup) {
            this.warmup = warmup;
            return this;
        }

        public Builder messageSet(MessageSet messageSet) {
            this.messageSet = messageSet;
            return this;
        }

        public Builder framing(Framing framing) {
            this.framing = framing;
            return this;
        }

        public Builder thinkMax(Duration thinkMax) {
            this.thinkMax = thinkMax;
            return this;
        }

        public Builder rate(double rate) {
            this.rate = rate;
            return this;
        }

        public Builder sourceAddresses(List<InetAddress> addresses) {
            this.sourceAddresses = addresses;
            return this;
        }

        public Builder processes(int processes) {
            this.processes = processes;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Plaintext by default; see {@link ClientTls}. */
        public Builder tls(ClientTls tls) {
            this.tls = tls;
            return this;
        }

        /** Validates and builds; an {@link IllegalArgumentException} names the bad option. */
        public LoadOptions build() {
            return new LoadOptions(workload, host, port, connections, threads, duration, messagesPerConnection,
                    warmup, messageSet, framing, thinkMax, rate, sourceAddresses, processes, timeout, tls);
        }
    }
}
