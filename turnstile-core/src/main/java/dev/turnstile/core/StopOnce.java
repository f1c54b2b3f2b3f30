package dev.turnstile.core;

import dev.turnstile.api.ShutdownReport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Makes a model's shutdown idempotent and safe from any thread: the first caller runs the stop,
 * every caller (the first included) waits for it and gets the same report. If the stop fails,
 * the lifecycle is still moved to STOPPED and every caller sees the failure.
 */
public final class StopOnce {

    private final AtomicBoolean started = new AtomicBoolean();
    private final CompletableFuture<ShutdownReport> report = new CompletableFuture<>();

    /** Runs {@code stop} if no call has yet, then returns its report. */
    public ShutdownReport run(Lifecycle lifecycle, Supplier<ShutdownReport> stop) {
        if (started.compareAndSet(false, true)) {
            try {
                report.complete(stop.get());
            } catch (RuntimeException | Error e) {
                lifecycle.advanceTo(Lifecycle.State.STOPPED);
                report.completeExceptionally(e);
            }
        }
        return report.join();
    }
}
