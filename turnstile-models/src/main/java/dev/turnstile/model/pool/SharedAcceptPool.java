package dev.turnstile.model.pool;

import dev.turnstile.core.Admission;
import dev.turnstile.core.BlockingModel;
import dev.turnstile.core.Stragglers;

import java.nio.channels.ServerSocketChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** N pre-created threads, each accepting from the shared listener and serving what it accepted. */
public final class SharedAcceptPool extends BlockingModel {

    private final int workers;
    private final List<Thread> threads = new ArrayList<>(); // written in startServing only, before any read

    public SharedAcceptPool(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1 (got " + workers + ")");
        }
        this.workers = workers;
    }

    @Override
    public String name() {
        return "thread-pool";
    }

    @Override
    protected void startServing(ServerSocketChannel listener) {
        for (int i = 1; i <= workers; i++) {
            String worker = "worker-" + i;
            Runnable loop = newAcceptLoop(listener, Admission.unbounded(),
                    (socket, release) -> runConnection(socket, worker, release));
            context().stats().worker(worker); // listed from the start, even before its first connection
            threads.add(Thread.ofPlatform().name("turnstile-" + worker).start(loop));
        }
        context().stats().poolResized(workers, "started " + workers + " workers");
    }

    @Override
    protected List<String> stopWorkers(Instant deadline) {
        return Stragglers.joinAll(threads, deadline);
    }
}
