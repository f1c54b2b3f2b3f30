package dev.turnstile.model.pool;

import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The notes' hand-off table: one slot per worker holding the socket it should serve, one lock,
 * a condition per slot ("a socket is yours") and one for the acceptor ("a worker is free").
 *
 * <p><b>Slot states.</b> FREE → ASSIGNED (acceptor put a socket in it) → BUSY (the worker took
 * it) → FREE. Only the acceptor moves FREE → ASSIGNED; only the slot's worker moves the rest.
 * <p><b>Thread-safety.</b> Every field of every slot is guarded by {@link #lock}.
 */
final class WorkerPool {

    /** What a worker runs for each socket it is handed. */
    interface Job {
        void serve(SocketChannel socket, String worker, Runnable release);
    }

    private final class Slot {
        final int index;
        final String worker;
        final Condition assigned = lock.newCondition();
        SocketChannel socket;   // guarded by lock; non-null while ASSIGNED
        Runnable release;       // guarded by lock
        boolean busy;           // guarded by lock
        long served;            // guarded by lock

        Slot(int index) {
            this.index = index;
            this.worker = "worker-" + (index + 1);
        }

        boolean free() {
            return socket == null && !busy;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workerFree = lock.newCondition();
    private final Slot[] slots;
    private final HandoffPolicy policy;
    private int lastPicked = -1;    // guarded by lock
    private boolean stopping;       // guarded by lock

    WorkerPool(int size, HandoffPolicy policy) {
        this.policy = policy;
        this.slots = new Slot[size];
        for (int i = 0; i < size; i++) {
            slots[i] = new Slot(i);
        }
    }

    int size() {
        return slots.length;
    }

    String workerName(int index) {
        return slots[index].worker;
    }

    /**
     * Gives {@code socket} to a free worker picked by the policy, waiting for one to become free.
     *
     * @throws RejectedExecutionException if the pool is stopping or the wait is interrupted
     */
    void handOff(SocketChannel socket, Runnable release) {
        lock.lock();
        try {
            Slot slot;
            while ((slot = pickLocked()) == null) {
                if (stopping) {
                    throw new RejectedExecutionException("pool is stopping");
                }
                workerFree.await();
            }
            if (stopping) {
                throw new RejectedExecutionException("pool is stopping");
            }
            slot.socket = socket;
            slot.release = release;
            lastPicked = slot.index;
            slot.assigned.signal();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for a free worker");
        } finally {
            lock.unlock();
        }
    }

    private Slot pickLocked() {
        Slot best = null;
        int n = slots.length;
        for (int k = 0; k < n; k++) {
            int i = policy == HandoffPolicy.ROUND_ROBIN ? (lastPicked + 1 + k) % n : k;
            Slot s = slots[i];
            if (!s.free()) {
                continue;
            }
            if (policy != HandoffPolicy.LEAST_SERVED) {
                return s;
            }
            if (best == null || s.served < best.served) {
                best = s;
            }
        }
        return best;
    }

    /** The loop of worker {@code index}: wait for a socket, serve it, mark free; until stopped. */
    void work(int index, Job job) {
        Slot slot = slots[index];
        while (true) {
            SocketChannel socket;
            Runnable release;
            lock.lock();
            try {
                while (slot.socket == null && !stopping) {
                    slot.assigned.awaitUninterruptibly();
                }
                if (slot.socket == null) {
                    return; // stopping and nothing handed to us
                }
                socket = slot.socket;
                release = slot.release;
                slot.socket = null;
                slot.release = null;
                slot.busy = true;
            } finally {
                lock.unlock();
            }
            try {
                job.serve(socket, slot.worker, release);
            } finally {
                lock.lock();
                try {
                    slot.busy = false;
                    slot.served++;
                    workerFree.signal();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Wakes every idle worker and the acceptor so that they return; busy workers return after their connection. */
    void stop() {
        lock.lock();
        try {
            stopping = true;
            workerFree.signalAll();
            for (Slot s : slots) {
                s.assigned.signal();
            }
        } finally {
            lock.unlock();
        }
    }
}
