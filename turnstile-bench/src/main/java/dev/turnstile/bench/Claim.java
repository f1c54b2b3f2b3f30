package dev.turnstile.bench;

import java.util.List;

/**
 * The claims of the lecture notes "Server Models" that the evidence report measures, each with the
 * notes' own words. Order is report order; {@link #id()} names the section in evidence.json and
 * the chart's file.
 */
enum Claim {

    CREATION_COST("creation-cost", "Creation cost",
            List.of("Threads are light", "Creating a process is more expensive. Memory, starting cost.")),
    SHARED_LIMITS("shared-limits", "Shared limits",
            List.of("Resource limits apply to process, all threads share them (file descriptors, memory, CPU, stack)",
                    "Each connection has independent resources")),
    FAULT_IN_ONE_THREAD("fault-in-one-thread", "A fault in one thread",
            List.of("Bugs causing exceptions and memory leakage in one thread will affect all connections")),
    ISOLATION("isolation", "Isolation: kill -9 under load",
            List.of("Each connection can get only its exceptions and errors. Others isolated.")),
    STARTUP_REMOVED_BY_POOLS("startup-removed-by-pools", "Start-up cost removed by pools",
            List.of("If initialization cost is significant with respect to responsiveness of your protocol, creating a"
                    + " thread/process per connection is too expensive. so create in advance and reuse existing"
                    + " threads/processes will be more practical.")),
    POOLS_BOUND_LOAD("pools-bound-load", "Pools bound the load",
            List.of("What if we need to put an upper bound.",
                    "We create threads/processes in advance. They serve multiple connections.")),
    HAND_OFF_BALANCING("hand-off-balancing", "Hand-off and load balancing",
            List.of("Using slightly complex mechanism to transfer socket to threads in the pool (through a shared"
                    + " variable and condition variables). This way, load balancing and better pool control is possible.")),
    MEMORY_PER_CONNECTION("memory-per-connection", "Memory per connection, every model",
            List.of("Threads are light", "Creating a process is more expensive. Memory, starting cost."));

    private final String id;
    private final String title;
    private final List<String> quotes;

    Claim(String id, String title, List<String> quotes) {
        this.id = id;
        this.title = title;
        this.quotes = quotes;
    }

    String id() {
        return id;
    }

    String title() {
        return title;
    }

    /** The notes' sentences, verbatim (their spelling kept). */
    List<String> quotes() {
        return quotes;
    }

    String chartFile() {
        return "evidence-" + id + ".png";
    }
}
