package dev.turnstile.model.elastic;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerModel;

import java.time.Duration;
import java.util.List;

public final class ElasticPoolProvider implements ModelProvider {

    static final int DEFAULT_MIN = 2;
    static final int DEFAULT_MAX = 64;
    static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "elastic-pool";
    }

    @Override
    public String description() {
        return "a thread pool that grows to --max when all threads are busy and shrinks to --min after --keep-alive idle";
    }

    @Override
    public List<String> options() {
        return List.of("--min N (default " + DEFAULT_MIN + ")", "--max N (default " + DEFAULT_MAX + ")",
                "--keep-alive DURATION (default 10s)");
    }

    @Override
    public boolean runsSessions() {
        return true;
    }

    @Override
    public ServerModel create(ModelOptions options) {
        int min = options.minWorkers().orElse(DEFAULT_MIN);
        int max = options.maxWorkers().orElse(Math.max(min, DEFAULT_MAX));
        return new ElasticPool(min, max, options.keepAlive().orElse(DEFAULT_KEEP_ALIVE));
    }
}
