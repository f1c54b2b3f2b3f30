package dev.turnstile.cli;

import dev.turnstile.api.Framing;
import dev.turnstile.loadgen.ClientTls;
import dev.turnstile.loadgen.LoadGenerator;
import dev.turnstile.loadgen.LoadOptions;
import dev.turnstile.loadgen.LoadResult;
import dev.turnstile.loadgen.MessageSet;
import dev.turnstile.loadgen.ProgressLine;
import dev.turnstile.loadgen.SourceAddresses;
import dev.turnstile.loadgen.Summary;
import dev.turnstile.loadgen.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code turnstile load}: parses the options into {@link LoadOptions}, runs {@link LoadGenerator}
 * with a progress line, prints the summary, writes the JSON. Exit 0 only if every reply was right.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drive load against a server on this machine (loopback only) and check every reply.",
                "Exit 1 if any reply was wrong or missing, or a connect or reply failed or timed out."})
final class LoadCommand implements Callable<Integer> {

    @Option(names = "--workload", paramLabel = "ping-pong|think|rate|churn",
            description = "ping-pong: next message on the reply (default); think: a random pause up to --think-max "
                    + "before each; rate: --rate messages/s in total, latency from the intended send time; "
                    + "churn: connect, one message, close, again (with --tls: a handshake rate).")
    String workload = Workload.PING_PONG.cliName();

    @Option(names = "--host", paramLabel = "HOST", description = "Server address, 127.0.0.0/8 or ::1; default: ${DEFAULT-VALUE}.")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Server port; default: ${DEFAULT-VALUE}.")
    int port = LoadOptions.DEFAULT_PORT;

    @Option(names = {"-c", "--connections"}, paramLabel = "N",
            description = "Concurrent connections (churn: concurrent cycles); default: ${DEFAULT-VALUE}.")
    int connections = LoadOptions.DEFAULT_CONNECTIONS;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Selector threads per process; default: ${DEFAULT-VALUE}.")
    int threads = LoadOptions.DEFAULT_THREADS;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Measured time, and the bound of the run; default: 10s.")
    Duration duration = LoadOptions.DEFAULT_DURATION;

    @Option(names = {"-n", "--messages"}, paramLabel = "N",
            description = "Stop each connection after N measured messages (or cycles), or at --duration if sooner.")
    Long messages;

    @Option(names = "--warmup", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Unmeasured running before the measured time; default: 1s.")
    Duration warmup = LoadOptions.DEFAULT_WARMUP;

    @Option(names = "--message-set", paramLabel = "notes|SIZE",
            description = "The notes' words (default), or random printable payloads of SIZE bytes.")
    String messageSet = "notes";

    @Option(names = "--framing", paramLabel = "line|raw",
            description = "line: newline-terminated messages and replies (default); raw: bare messages, as the notes' client.")
    Framing framing = Framing.LINE;

    @Option(names = "--think-max", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "think: the longest pause before a message; default: 3s (the notes' client).")
    Duration thinkMax;

    @Option(names = "--rate", paramLabel = "MSGS_PER_S", description = "rate: total messages per second over all connections.")
    Double rate;

    @Option(names = "--source-addresses", paramLabel = "A-B",
            description = "Bind connections round-robin to these loopback addresses (e.g. 127.0.0.1-127.0.0.20) "
                    + "to pass one address's ephemeral port range.")
    String sourceAddresses;

    @Option(names = "--processes", paramLabel = "P",
            description = "Spread the connections over P processes started together; results merged exactly. Default: 1.")
    int processes = 1;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest wait for a connect or a reply; default: 10s.")
    Duration timeout = LoadOptions.DEFAULT_TIMEOUT;

    @Option(names = "--tls", description = "Speak TLS (the JDK's provider, TLS 1.3 or 1.2): every connection, and under "
            + "churn every cycle, makes a full handshake, part of connecting. Trusts the JDK's default CAs unless "
            + "--tls-trust or --tls-insecure says otherwise.")
    boolean tls;

    @Option(names = "--tls-trust", paramLabel = "FILE",
            description = "With --tls: trust the PEM certificate(s) in FILE (the server's self-signed certificate or its CA).")
    Path tlsTrust;

    @Option(names = "--tls-insecure", description = "With --tls: trust any certificate (tests only).")
    boolean tlsInsecure;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path json;

    @Override
    public Integer call() throws Exception {
        LoadOptions options = options();
        ProgressLine progress = ProgressLine.forConsole(System.out);
        LoadResult result = LoadGenerator.run(options, progress);
        progress.clear();
        System.out.print(Summary.render(result));
        if (json != null) {
            Files.writeString(json, result.toJson() + System.lineSeparator(), StandardCharsets.UTF_8);
        }
        System.out.flush();
        return result.ok() ? 0 : 1;
    }

    LoadOptions options() {
        Workload w = Workload.parse(workload);
        if (thinkMax != null && w != Workload.THINK) {
            throw new IllegalArgumentException("--think-max applies only to --workload think");
        }
        if (rate != null && w != Workload.RATE) {
            throw new IllegalArgumentException("--rate applies only to --workload rate");
        }
        if (!tls && (tlsTrust != null || tlsInsecure)) {
            throw new IllegalArgumentException((tlsTrust != null ? "--tls-trust" : "--tls-insecure") + " applies only with --tls");
        }
        if (tlsTrust != null && tlsInsecure) {
            throw new IllegalArgumentException("--tls-trust and --tls-insecure exclude each other: trust a file or anything");
        }
        if (messages != null && messages < 1) {
            throw new IllegalArgumentException("--messages must be >= 1 (got " + messages + ")");
        }
        LoadOptions.Builder b = LoadOptions.builder().workload(w).host(host).port(port).connections(connections)
                .threads(threads).duration(duration).warmup(warmup).messageSet(MessageSet.parse(messageSet))
                .framing(framing).processes(processes).timeout(timeout);
        if (messages != null) {
            b.messagesPerConnection(messages);
        }
        if (thinkMax != null) {
            b.thinkMax(thinkMax);
        }
        if (rate != null) {
            b.rate(rate);
        }
        if (tls) {
            b.tls(tlsTrust != null ? ClientTls.trusting(tlsTrust)
                    : tlsInsecure ? ClientTls.trustingAny() : ClientTls.trustingSystem());
        }
        if (sourceAddresses != null) {
            b.sourceAddresses(SourceAddresses.parse(sourceAddresses));
        }
        return b.build();
    }
}
