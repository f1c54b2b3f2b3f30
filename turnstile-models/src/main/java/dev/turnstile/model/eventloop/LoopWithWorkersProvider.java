package dev.turnstile.model.eventloop;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerModel;

import java.util.ArrayList;
import java.util.List;

public final class LoopWithWorkersProvider implements ModelProvider {

    static final int DEFAULT_WORKERS = 16;

    @Override
    public String name() {
        return "loop-with-workers";
    }

    @Override
    public String description() {
        return "selector loops do the I/O, a bounded worker pool runs the handlers (they may block)";
    }

    @Override
    public List<String> options() {
        List<String> all = new ArrayList<>(List.of(
                "--workers N (default " + DEFAULT_WORKERS + ")",
                "--loops N (default: processors)",
                "--accept reuse-port|round-robin (default " + MultiLoopProvider.DEFAULT_ACCEPT.cliName() + ")"));
        all.addAll(EventLoopProvider.LOOP_OPTIONS);
        return all;
    }

    @Override
    public boolean runsSessions() {
        return false;
    }

    @Override
    public ServerModel create(ModelOptions options) {
        int workers = options.workers().orElse(DEFAULT_WORKERS);
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1 (got " + workers + ")");
        }
        int loops = LoopSettings.loops(options, Runtime.getRuntime().availableProcessors());
        return new LoopModel(LoopSettings.from(name(), loops, MultiLoopProvider.DEFAULT_ACCEPT, workers, options));
    }
}
