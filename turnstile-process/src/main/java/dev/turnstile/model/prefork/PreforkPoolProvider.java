package dev.turnstile.model.prefork;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerModel;
import dev.turnstile.model.process.WorkerJvm;
import dev.turnstile.model.process.WorkerLaunch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

public final class PreforkPoolProvider implements ModelProvider {

    static final int DEFAULT_MIN = 2;
    static final int DEFAULT_MAX = 8;

    @Override
    public String name() {
        return "process-pool";
    }

    @Override
    public String description() {
        return "a master and pre-started worker processes, each calling accept() on the shared socket; scoreboard in shared memory";
    }

    @Override
    public List<String> options() {
        List<String> options = new ArrayList<>(List.of("--workers N (workers at start; alone, a fixed pool of N)",
                "--min N (default " + DEFAULT_MIN + ")", "--max N (default " + DEFAULT_MAX + ")",
                "--min-spare N, --max-spare N (idle workers kept; default 1 and 3)",
                "--threads-per-worker T (default 1)",
                "--max-connections-per-worker N (recycle a worker after N connections, plus up to 25 %; default never)",
                "--balance shared|reuseport (default shared)",
                "--worker-model MODEL (each worker runs this in-process model, such as event-loop, with its options;"
                        + " default: worker, one connection per thread)",
                "--worker-capacity N (with --worker-model: connections a worker holds before it counts as busy;"
                        + " default " + PoolPlan.DEFAULT_HOSTED_CAPACITY + ")",
                "--max-restarts N, --restart-window DURATION (crash-loop limit; default 10 within 10s)"));
        options.addAll(WorkerLaunch.OPTIONS);
        return options;
    }

    @Override
    public boolean runsSessions() {
        return true;
    }

    @Override
    public boolean servesInOtherProcesses() {
        return true;
    }

    @Override
    public ServerModel create(ModelOptions options) {
        Optional<HostedModel> hosted = HostedModel.from(options);
        return new PreforkPool(new PreforkPool.Settings(plan(options, hosted.isPresent()),
                WorkerLaunch.from(options, WorkerJvm.StartMode.LONG_LIVED), hosted));
    }

    /**
     * The plan from the options: {@code --workers} alone makes a fixed pool; with {@code --min}
     * or {@code --max} it is the number started, and the pool grows and shrinks between them.
     *
     * @param hosted whether the workers run an in-process model ({@code --worker-model}), which
     *               gives them a capacity of many connections
     */
    static PoolPlan plan(ModelOptions o, boolean hosted) {
        if (!hosted && o.extra("worker-capacity").isPresent()) {
            throw new IllegalArgumentException("worker-capacity needs --worker-model (the default worker is busy"
                    + " with one connection per thread)");
        }
        boolean elastic = o.minWorkers().isPresent() || o.maxWorkers().isPresent();
        int min = o.minWorkers().orElse(elastic || o.workers().isEmpty() ? DEFAULT_MIN : o.workers().get());
        int max = o.maxWorkers().orElse(elastic || o.workers().isEmpty() ? Math.max(min, DEFAULT_MAX) : o.workers().get());
        int initial = o.workers().orElse(min);
        int minSpare = nonNegative(o, "min-spare").orElse(1);
        int maxSpare = nonNegative(o, "max-spare").orElse(Math.max(minSpare, 3));
        return new PoolPlan(initial, min, max, minSpare, maxSpare,
                o.extraPositiveInt("threads-per-worker").orElse(1),
                nonNegative(o, "max-connections-per-worker").orElse(0),
                o.extra("balance").map(Balance::parse).orElse(Balance.SHARED),
                nonNegative(o, "max-restarts").orElse(10),
                o.extra("restart-window").map(v -> duration("restart-window", v)).orElse(Duration.ofSeconds(10)),
                Duration.ofSeconds(10), Duration.ofSeconds(60),
                hosted ? o.extraPositiveInt("worker-capacity").orElse(PoolPlan.DEFAULT_HOSTED_CAPACITY) : 1);
    }

    private static Optional<Integer> nonNegative(ModelOptions o, String key) {
        return o.extra(key).map(v -> {
            try {
                int n = Integer.parseInt(v.trim());
                if (n < 0) {
                    throw new IllegalArgumentException(key + " must be >= 0 (got " + n + ")");
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number (got '" + v + "')");
            }
        });
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, or a number of seconds. */
    static Duration duration(String key, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a duration such as 500ms, 10s or 2m (got '" + v + "')");
        }
    }
}
