package dev.turnstile.model.virtual;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerModel;
import dev.turnstile.model.threadper.ThreadPerConnectionProvider;

import java.util.List;

public final class VirtualThreadPerConnectionProvider implements ModelProvider {

    @Override
    public String name() {
        return "virtual-threads";
    }

    @Override
    public String description() {
        return "a new virtual thread per connection (JDK 21+); optional bound on concurrent connections";
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
        return new VirtualThreadPerConnection(ThreadPerConnectionProvider.maxConnections(options));
    }
}
