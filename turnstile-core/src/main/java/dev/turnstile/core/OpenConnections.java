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
 * <p><b>Stuck writes.</b> A blocking write has no timeout of its own, so whoever writes for an
 * entry says so ({@link Entry#writing}, {@link Entry#wrote}), and a sweep
 * ({@link #abortStuckWrites}, on the model's timer) closes the socket of any entry whose write
 * has waited longer than the write timeout: the write fails at once, and the driver reports the
 * close as {@link dev.turnstile.api.CloseReason#WRITE_TIMEOUT}.
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
        private volatile long writingSince;    // System.nanoTime() when a write that may block began; 0: none
        private volatile boolean writeTimedOut; // set once by the sweep, before it closes the socket

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

        /** A write that may block for the peer begins now. Called by whoever holds the connection's writing side. */
        public void writing() {
            long now = System.nanoTime();
            writingSince = now == 0 ? 1 : now;
        }

        /** The write begun by {@link #writing} has ended, written or failed. */
        public void wrote() {
            writingSince = 0;
        }

        /** True once the sweep closed this connection because a write waited past the write timeout. */
        public boolean writeTimedOut() {
            return writeTimedOut;
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
     * Closes every connection whose write has waited {@code timeoutNanos} or longer at
     * {@code now} ({@link System#nanoTime}); returns how many. Any thread; never throws.
     */
    public int abortStuckWrites(long now, long timeoutNanos) {
        int aborted = 0;
        for (Entry e : entries) {
            long since = e.writingSince;
            if (since != 0 && now - since >= timeoutNanos && !e.writeTimedOut) {
                e.writeTimedOut = true;
                Sockets.closeQuietly(e.channel);
                aborted++;
            }
        }
        return aborted;
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
