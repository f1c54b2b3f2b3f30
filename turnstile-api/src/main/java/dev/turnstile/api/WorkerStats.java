package dev.turnstile.api;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one worker (a thread, pool slot, event loop or process). Written by the threads
 * that run the worker's connections, read by anyone: every field is atomic.
 */
public final class WorkerStats {

    private final String name;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder serverMessages; // the server's total, shared by all workers

    WorkerStats(String name, LongAdder serverMessages) {
        this.name = name;
        this.serverMessages = serverMessages;
    }

    public String name() {
        return name;
    }

    /** Connections this worker has taken, in all. */
    public long connections() {
        return connections.get();
    }

    /** Messages this worker has answered, in all. */
    public long messages() {
        return messages.get();
    }

    /** Connections this worker runs right now. */
    public int active() {
        return active.get();
    }

    void opened() {
        connections.incrementAndGet();
        active.incrementAndGet();
    }

    void closed() {
        active.decrementAndGet();
    }

    /** Counts one answered message. Hot path: two atomic adds, no allocation. */
    public void messageHandled() {
        messages.incrementAndGet();
        serverMessages.increment();
    }
}
