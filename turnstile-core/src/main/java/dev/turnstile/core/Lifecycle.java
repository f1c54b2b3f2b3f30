package dev.turnstile.core;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A model's run state, which only moves forward: NEW → RUNNING → DRAINING → FORCING → STOPPED
 * (a step may be skipped, never undone). Thread-safe: transitions are compare-and-set.
 */
public final class Lifecycle {

    public enum State { NEW, RUNNING, DRAINING, FORCING, STOPPED }

    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CountDownLatch stopped = new CountDownLatch(1);

    public State state() {
        return state.get();
    }

    /** NEW → RUNNING; throws if already started. */
    public void start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("already started (state " + state.get() + ")");
        }
    }

    /**
     * Moves forward to {@code target} if the current state is before it.
     *
     * @return true if this call made the move
     */
    public boolean advanceTo(State target) {
        while (true) {
            State now = state.get();
            if (now.compareTo(target) >= 0) {
                return false;
            }
            if (state.compareAndSet(now, target)) {
                if (target == State.STOPPED) {
                    stopped.countDown();
                }
                return true;
            }
        }
    }

    public boolean isRunning() {
        return state.get() == State.RUNNING;
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }
}
