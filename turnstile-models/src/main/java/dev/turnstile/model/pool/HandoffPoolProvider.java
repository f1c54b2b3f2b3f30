package dev.turnstile.model.pool;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerModel;

import java.util.List;

public final class HandoffPoolProvider implements ModelProvider {

    @Override
    public String name() {
        return "thread-pool-handoff";
    }

    @Override
    public String description() {
        return "one acceptor hands each socket to a free pre-created worker, picked by a policy";
    }

    @Override
    public List<String> options() {
        return List.of("--workers N (default " + SharedAcceptPoolProvider.DEFAULT_WORKERS + ")",
                "--policy first-free|round-robin|least-served (default first-free)");
    }

    @Override
    public boolean runsSessions() {
        return true;
    }

    @Override
    public ServerModel create(ModelOptions options) {
        return new HandoffPool(options.workers().orElse(SharedAcceptPoolProvider.DEFAULT_WORKERS),
                options.policy().map(HandoffPolicy::parse).orElse(HandoffPolicy.FIRST_FREE));
    }
}
