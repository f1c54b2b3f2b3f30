package dev.turnstile.model.eventloop;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Polls a condition against a deadline, for state that has no event to wait on. */
final class Poll {

    private Poll() {
    }

    static void until(BooleanSupplier condition, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not true within " + within + ": " + what);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }
}
