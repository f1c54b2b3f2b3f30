package dev.turnstile.examples.resp;

import java.util.PriorityQueue;

/**
 * The keys given a time to live, in order of their deadline, so that expired keys nobody reads
 * again are still removed. The store expires a key lazily when it is touched; this queue is the
 * cheap second half: whoever sets a deadline first takes off the few deadlines already due
 * ({@link #due}). A deadline here may be stale (the key was since deleted, persisted or given
 * another one): the store checks the entry itself before removing it.
 *
 * <p><b>Thread-safety.</b> Guarded by this object's monitor; every call is short. Only commands
 * that set a deadline come here, so the common commands never touch this lock.
 */
final class ExpiryQueue {

    private record Deadline(long atMillis, Key key) {
    }

    private final PriorityQueue<Deadline> queue = // guarded by this
            new PriorityQueue<>((a, b) -> Long.compare(a.atMillis, b.atMillis));

    synchronized void add(Key key, long atMillis) {
        queue.add(new Deadline(atMillis, key));
    }

    /** Takes off and returns the key of one deadline due at {@code nowMillis}, or null. */
    synchronized Key due(long nowMillis) {
        Deadline head = queue.peek();
        if (head == null || head.atMillis > nowMillis) {
            return null;
        }
        queue.poll();
        return head.key;
    }

    synchronized void clear() {
        queue.clear();
    }
}
