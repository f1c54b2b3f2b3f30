package dev.turnstile.core;

import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections a blocking model is running, so that shutdown can wait for them, close the
 * idle ones and force the rest without losing a reply already being produced.
 *
 * <p><b>Entry states.</b> IDLE (the driver waits for input) ⇄ BUSY (handling input and writing
 * replies); from IDLE, the closer moves an entry to FORCED and closes its socket; from BUSY it
 * moves it to CLOSING and the driver closes once the replies in hand are written. Session
 * services have no visible idle moments and are always BUSY. Transitions are compare-and-set.
 *
 * <p><b>Thread-safety.</b> Thread-safe; waiting uses this object's monitor.
 */
public final class OpenConnections {

    private static final int IDLE = 0, BUSY = 1, CLOSING = 2, FORCED = 3;

    /** One running connection: its socket, the thread that runs it, and its state. */
    public final class Entry {
        private final SocketChannel channel;
        private final Thread thread;
        private final String name;
        private final AtomicInteger state;

        private Entry(SocketChannel channel, Thread thread, String name, boolean startsBusy) {
            this.channel = channel;
            this.thread = thread;
            this.name = name;
            this.state = new AtomicInteger(startsBusy ? BUSY : IDLE);
        }

        /** IDLE → BUSY after input arrived; false if the connection is being closed by shutdown. */
        public boolean beginWork() {
            return state.compareAndSet(IDLE, BUSY);
        }

        /** BUSY → IDLE after the replies went out; false if shutdown asked to close meanwhile. */
        public boolean endWork() {
            return state.compareAndSet(BUSY, IDLE);
        }

        /** True once shutdown closed or asked to close this connection. */
        public boolean closedByShutdown() {
            return state.get() >= CLOSING;
        }
    }

    private final Set<Entry> entries = ConcurrentHashMap.newKeySet();

    /** Registers the connection run by the current thread. */
    public Entry register(SocketChannel channel, String name, boolean framed) {
        Entry e = new Entry(channel, Thread.currentThread(), name, !framed);
        entries.add(e);
        return e;
    }

    public void remove(Entry entry) {
        entries.remove(entry);
        synchronized (this) {
            notifyAll();
        }
    }

    public int size() {
        return entries.size();
    }

    /** Waits until no connection is open or the deadline passes; true if none is open. */
    public boolean awaitEmpty(Instant deadline) {
        return Stragglers.awaitUntil(this, entries::isEmpty, deadline);
    }

    /**
     * Closes every idle connection now and asks every busy one to close after the replies in
     * hand. Returns how many connections this touched.
     */
    public int closeIdleAndFlagBusy() {
        int touched = 0;
        for (Entry e : entries) {
            if (e.state.compareAndSet(IDLE, FORCED)) {
                Sockets.closeQuietly(e.channel);
                touched++;
            } else if (e.state.compareAndSet(BUSY, CLOSING)) {
                touched++;
            }
        }
        return touched;
    }

    /**
     * Last resort: interrupts and closes every connection still open. Returns a description of
     * each, with the stack of its thread, for the shutdown report.
     */
    public List<String> forceAll() {
        List<String> forced = new ArrayList<>();
        for (Entry e : entries) {
            e.state.set(FORCED);
            forced.add(Stragglers.describe(e.name + " on " + e.thread.getName() + " did not finish; interrupted and closed",
                    e.thread));
            e.thread.interrupt();
            Sockets.closeQuietly(e.channel);
        }
        return forced;
    }
}
