package dev.turnstile.model.pool;

import dev.turnstile.core.Admission;
import dev.turnstile.core.BlockingModel;
import dev.turnstile.core.Stragglers;

import java.nio.channels.ServerSocketChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One acceptor hands each socket to a free pre-created worker, picked by a {@link HandoffPolicy}.
 * The acceptor takes an admission permit (one per worker) before accept(), so when every worker
 * is busy it waits and the excess waits in the listen backlog.
 */
public final class HandoffPool extends BlockingModel {

    private final WorkerPool pool;
    private final List<Thread> threads = new ArrayList<>(); // written in startServing only, before any read

    public HandoffPool(int workers, HandoffPolicy policy) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1 (got " + workers + ")");
        }
        this.pool = new WorkerPool(workers, policy);
    }

    @Override
    public String name() {
        return "thread-pool-handoff";
    }

    @Override
    protected void startServing(ServerSocketChannel listener) {
        for (int i = 0; i < pool.size(); i++) {
            int index = i;
            String worker = pool.workerName(i);
            context().stats().worker(worker);
            threads.add(Thread.ofPlatform().name("turnstile-" + worker).start(() -> pool.work(index, this::runConnection)));
        }
        context().stats().poolResized(pool.size(), "started " + pool.size() + " workers");
        startAcceptor("turnstile-acceptor-" + port(), listener, Admission.bounded(pool.size()), pool::handOff);
    }

    @Override
    protected List<String> stopWorkers(Instant deadline) {
        pool.stop();
        return Stragglers.joinAll(threads, deadline);
    }
}
