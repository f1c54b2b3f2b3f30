package dev.turnstile.examples.resp;

import dev.turnstile.api.Service;
import dev.turnstile.api.ServiceProvider;

/** {@code turnstile serve --service resp}: found through {@code META-INF/services}. */
public final class RespServiceProvider implements ServiceProvider {

    @Override
    public String name() {
        return "resp";
    }

    @Override
    public String description() {
        return "a Redis-protocol key-value store (strings, counters, lists, expiry) for redis-cli, redis-benchmark and Redis clients";
    }

    @Override
    public Service create() {
        return new RespService();
    }
}
