package dev.turnstile.loadgen;

import dev.turnstile.api.Framing;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a parent passes a child process its {@link LoadOptions}: one {@code key=value} argument per
 * setting, durations in nanoseconds, so that nothing is lost or reinterpreted on the way. An
 * internal format between two processes of the same build, not a user interface.
 */
final class ChildArguments {

    private ChildArguments() {
    }

    static List<String> encode(LoadOptions o) {
        List<String> args = new ArrayList<>();
        args.add("workload=" + o.workload().cliName());
        args.add("host=" + o.host().getHostAddress());
        args.add("port=" + o.port());
        args.add("connections=" + o.connections());
        args.add("threads=" + o.threads());
        args.add("duration=" + o.duration().toNanos());
        args.add("messages=" + o.messagesPerConnection());
        args.add("warmup=" + o.warmup().toNanos());
        args.add("message-set=" + o.messageSet().spec());
        args.add("framing=" + o.framing().cliName());
        args.add("think-max=" + o.thinkMax().toNanos());
        args.add("rate=" + o.rate());
        args.add("timeout=" + o.timeout().toNanos());
        args.add("source-addresses=" + o.sourceAddresses().stream().map(InetAddress::getHostAddress)
                .collect(Collectors.joining(",")));
        args.add("tls=" + o.tls().trust().name());
        args.add("tls-trust=" + (o.tls().trustFile() == null ? "" : o.tls().trustFile().toString()));
        return args;
    }

    static LoadOptions decode(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("child argument without '=': " + a);
            }
            m.put(a.substring(0, eq), a.substring(eq + 1));
        }
        String sources = get(m, "source-addresses");
        String trustFile = get(m, "tls-trust");
        return LoadOptions.builder()
                .workload(Workload.parse(get(m, "workload")))
                .host(get(m, "host"))
                .port(Integer.parseInt(get(m, "port")))
                .connections(Integer.parseInt(get(m, "connections")))
                .threads(Integer.parseInt(get(m, "threads")))
                .duration(Duration.ofNanos(Long.parseLong(get(m, "duration"))))
                .messagesPerConnection(Long.parseLong(get(m, "messages")))
                .warmup(Duration.ofNanos(Long.parseLong(get(m, "warmup"))))
                .messageSet(MessageSet.parse(get(m, "message-set")))
                .framing(Framing.valueOf(get(m, "framing").toUpperCase(java.util.Locale.ROOT)))
                .thinkMax(Duration.ofNanos(Long.parseLong(get(m, "think-max"))))
                .rate(Double.parseDouble(get(m, "rate")))
                .timeout(Duration.ofNanos(Long.parseLong(get(m, "timeout"))))
                .sourceAddresses(sources.isEmpty() ? List.of() : SourceAddresses.parse(sources))
                .tls(new ClientTls(ClientTls.Trust.valueOf(get(m, "tls")), trustFile.isEmpty() ? null : Path.of(trustFile)))
                .build();
    }

    private static String get(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("child argument missing: " + key);
        }
        return v;
    }
}
