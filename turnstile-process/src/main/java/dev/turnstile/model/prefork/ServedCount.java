package dev.turnstile.model.prefork;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ServerListener;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The recycling count of a pool worker that runs an in-process model: the connections it has
 * opened over its life (not the ones open now), so {@code --max-connections-per-worker N} means
 * the same as for the built-in worker, N connections served, whether they came one at a time or
 * thousands at once. At the N-th, {@code onLimit} is told once; the worker then stops accepting
 * and drains.
 *
 * <p>Thread-safe: called from the model's loops or connection threads; the count is atomic.
 */
final class ServedCount implements ServerListener {

    private final long limit;
    private final Runnable onLimit;
    private final AtomicLong opened = new AtomicLong();

    /** @param limit connections to open before {@code onLimit}; 0 for no limit */
    ServedCount(long limit, Runnable onLimit) {
        this.limit = limit;
        this.onLimit = onLimit;
    }

    @Override
    public void connectionOpened(ConnectionInfo connection) {
        if (opened.incrementAndGet() == limit) {
            onLimit.run();
        }
    }

    /** Connections opened so far. */
    long opened() {
        return opened.get();
    }
}
