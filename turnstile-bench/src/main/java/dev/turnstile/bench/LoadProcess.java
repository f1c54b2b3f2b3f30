package dev.turnstile.bench;

import dev.turnstile.loadgen.ClientTls;
import dev.turnstile.loadgen.LoadGenerator;
import dev.turnstile.loadgen.LoadOptions;
import dev.turnstile.loadgen.LoadResult;
import dev.turnstile.loadgen.Workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client side of one benchmark cell, as a process of its own, so that the server's CPU and
 * memory are measured apart from the client's: runs {@link LoadGenerator#run} once and writes its
 * result as JSON ({@link LoadResult#toJson}, the shape of {@code turnstile load --json}).
 * Exit status 0 if every reply was right, 1 if not, 2 if the run could not be made.
 *
 * <pre>
 * LoadProcess --host H --port P --workload ping-pong|think|churn --connections N --threads T
 *             --warmup SECONDS --duration SECONDS --think-max SECONDS --json FILE [--tls-trust FILE]
 * </pre>
 * With {@code --tls-trust}, the load speaks TLS trusting the PEM certificate in FILE.
 */
public final class LoadProcess {

    private static final List<String> KNOWN = List.of("host", "port", "workload", "connections", "threads",
            "warmup", "duration", "think-max", "json", "tls-trust");

    private LoadProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        try {
            Map<String, String> flags = parse(args);
            LoadResult result = LoadGenerator.run(options(flags));
            Files.writeString(Path.of(flags.get("json")), result.toJson());
            System.out.println(dev.turnstile.loadgen.Summary.render(result));
            System.exit(result.ok() ? 0 : 1);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("load: " + e.getMessage());
            System.exit(2);
        }
    }

    static LoadOptions options(Map<String, String> flags) {
        return LoadOptions.builder()
                .host(flags.getOrDefault("host", "127.0.0.1"))
                .port(Integer.parseInt(required(flags, "port")))
                .workload(Workload.parse(flags.getOrDefault("workload", "ping-pong")))
                .connections(Integer.parseInt(flags.getOrDefault("connections", "1")))
                .threads(Math.min(Integer.parseInt(flags.getOrDefault("threads", "1")),
                        Integer.parseInt(flags.getOrDefault("connections", "1"))))
                .warmup(seconds(flags.getOrDefault("warmup", "0")))
                .duration(seconds(flags.getOrDefault("duration", "10")))
                .thinkMax(seconds(flags.getOrDefault("think-max", "1")))
                .tls(flags.containsKey("tls-trust") ? ClientTls.trusting(Path.of(flags.get("tls-trust")))
                        : ClientTls.PLAINTEXT)
                .build();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String key = args[i].replaceFirst("^--", "");
            if (!KNOWN.contains(key) || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --NAME VALUE with NAME one of " + KNOWN + ", got '" + args[i] + "'");
            }
            flags.put(key, args[i + 1]);
        }
        required(flags, "json");
        return flags;
    }

    private static Duration seconds(String value) {
        return Duration.ofNanos(Math.round(Double.parseDouble(value) * 1e9));
    }

    private static String required(Map<String, String> flags, String key) {
        String v = flags.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }
}
