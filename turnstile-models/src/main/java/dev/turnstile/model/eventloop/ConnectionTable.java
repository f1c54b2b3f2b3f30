package dev.turnstile.model.eventloop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The connections one loop runs, in a dense array so that the loop can visit them all (the idle
 * sweep once per tick, shutdown) without an iterator and without touching the selector's key set.
 *
 * <p><b>Invariants.</b> {@code connections[0, size)} are the open connections, each at the index it
 * holds in {@link LoopConnection#slot}; removal moves the last entry into the freed slot, so both
 * add and remove are O(1). The array only grows.
 * <p><b>Thread-safety.</b> None: owned by the loop thread.
 */
final class ConnectionTable {

    private LoopConnection[] connections = new LoopConnection[64]; // loop thread only
    private int size;                                              // loop thread only

    void add(LoopConnection c) {
        if (size == connections.length) {
            connections = Arrays.copyOf(connections, size * 2);
        }
        c.slot = size;
        connections[size++] = c;
    }

    void remove(LoopConnection c) {
        int i = c.slot;
        if (i < 0 || i >= size || connections[i] != c) {
            return; // already removed
        }
        LoopConnection last = connections[--size];
        connections[i] = last;
        last.slot = i;
        connections[size] = null;
        c.slot = -1;
    }

    int size() {
        return size;
    }

    /**
     * Closes every connection past one of its timeouts ({@link LoopConnection#expireIfDue}); each
     * close removes it while visiting.
     */
    void expire(long now, long idleNanos, long writeNanos, long messageNanos) {
        for (int i = size - 1; i >= 0; i--) {
            if (i < size) {
                connections[i].expireIfDue(now, idleNanos, writeNanos, messageNanos);
            }
        }
    }

    /**
     * Visits a copy of the current connections, so that {@code action} may close them. Allocates:
     * for shutdown and inspection only.
     */
    void forEachSnapshot(Consumer<LoopConnection> action) {
        List<LoopConnection> copy = new ArrayList<>(Arrays.asList(connections).subList(0, size));
        copy.forEach(action);
    }
}
