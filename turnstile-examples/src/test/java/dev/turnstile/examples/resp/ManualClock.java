package dev.turnstile.examples.resp;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that tests move by hand, so expiry is tested without waiting. Thread-safe. */
final class ManualClock implements InstantSource {

    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

    void advanceMillis(long amount) {
        millis.addAndGet(amount);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
        return millis.get();
    }
}
