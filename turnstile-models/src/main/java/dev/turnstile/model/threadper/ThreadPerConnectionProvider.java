package dev.turnstile.model.threadper;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerModel;

import java.util.List;

public final class ThreadPerConnectionProvider implements ModelProvider {

    @Override
    public String name() {
        return "thread-per-connection";
    }

    @Override
    public String description() {
        return "a new platform thread per connection; optional bound on concurrent connections";
    }

    @Override
    public List<String> options() {
        return List.of("--max-connections N");
    }

    @Override
    public boolean runsSessions() {
        return true;
    }

    @Override
    public ServerModel create(ModelOptions options) {
        return new ThreadPerConnection(maxConnections(options));
    }

    /** {@code --max-connections N}, or no bound. */
    public static int maxConnections(ModelOptions options) {
        return options.extraPositiveInt("max-connections").orElse(Integer.MAX_VALUE);
    }
}
