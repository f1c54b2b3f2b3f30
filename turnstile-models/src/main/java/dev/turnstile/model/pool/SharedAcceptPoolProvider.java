package dev.turnstile.model.pool;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerModel;

import java.util.List;

public final class SharedAcceptPoolProvider implements ModelProvider {

    /** The notes' {@code poolsize = 40}. */
    static final int DEFAULT_WORKERS = 40;

    @Override
    public String name() {
        return "thread-pool";
    }

    @Override
    public String description() {
        return "N pre-created threads, each calling accept() on the shared listening socket";
    }

    @Override
    public List<String> options() {
        return List.of("--workers N (default " + DEFAULT_WORKERS + ")");
    }

    @Override
    public boolean runsSessions() {
        return true;
    }

    @Override
    public ServerModel create(ModelOptions options) {
        return new SharedAcceptPool(options.workers().orElse(DEFAULT_WORKERS));
    }
}
