package dev.turnstile.core;

import dev.turnstile.api.ShutdownReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The three-step stop of a model that serves connections in its own process, written once; the
 * model supplies only the {@link Steps}: how to stop accepting, count, await, close and force what it
 * runs, and how to stop its own threads.
 *
 * <ol>
 * <li><b>Stop accepting</b> ({@link Steps#stopAccepting}); the lifecycle moves to DRAINING, and the
 *     connections open at that moment are counted.</li>
 * <li><b>Drain</b>: open connections go on until they end or the grace period ends.</li>
 * <li><b>Force</b>, only if the drain ran out (lifecycle FORCING): idle connections are closed at
 *     once and busy ones flagged to close after the replies in hand; they get {@link #FORCE_GRACE}.
 *     Whatever is left is then forced ({@link Steps#forceAll}), named in the report, and gets
 *     {@link #FORCE_GRACE} more.</li>
 * </ol>
 * Then the model's own threads get {@link #WORKER_STOP_GRACE} to stop, the lifecycle moves to
 * STOPPED, every straggler is logged as a warning, and the {@link ShutdownReport} counts as
 * drained the connections open at step 1 that were not touched by force.
 *
 * <p>A model that never started (lifecycle NEW), or that has nothing to stop ({@code steps} null),
 * stops at once with an empty report.
 *
 * <p><b>Thread-safety.</b> {@link #stop} is safe from any thread, any number of times: the first
 * call runs the sequence on its own thread, every call waits for it and returns the same report;
 * a step that throws still leaves the lifecycle STOPPED ({@link StopOnce}).
 */
public final class StopSequence {

    private static final Logger log = LoggerFactory.getLogger(StopSequence.class);
    /** How long busy connections get to finish the message in hand once forcing starts, and again after it. */
    public static final Duration FORCE_GRACE = Duration.ofSeconds(1);
    /** How long the model's own threads get to stop after the connections are gone. */
    public static final Duration WORKER_STOP_GRACE = Duration.ofSeconds(2);

    /**
     * What a model runs, as its stop sees it. The sequence calls these in the order declared, each
     * at most once except {@link #awaitEmpty}, all on the thread that runs the stop.
     */
    public interface Steps {

        /** Closes the listeners, so nothing new is accepted, and wakes whatever waits to accept. */
        void stopAccepting();

        /** How many connections are open now. */
        int openConnections();

        /** Waits until no connection is open or {@code deadline} passes; true if none is open. */
        boolean awaitEmpty(Instant deadline);

        /**
         * Closes the idle connections now and flags the busy ones to close after the replies in
         * hand. Returns how many connections that touched. Whatever does not answer by
         * {@code answerBy} is described in {@code stragglers}.
         */
        int closeIdleAndFlagBusy(Instant answerBy, List<String> stragglers);

        /**
         * Closes every connection still open now, interrupting what serves it; returns a
         * description of each (and of whatever did not answer by {@code answerBy}).
         */
        List<String> forceAll(Instant answerBy);

        /** Stops the model's own threads; returns a description of each that did not stop by {@code deadline}. */
        List<String> stopWorkers(Instant deadline);
    }

    private final Lifecycle lifecycle;
    private final Supplier<String> model;
    private final StopOnce once = new StopOnce();

    /**
     * @param lifecycle the model's lifecycle, moved forward by the stop
     * @param model     the model's name, for the log; asked only when a stop runs
     */
    public StopSequence(Lifecycle lifecycle, Supplier<String> model) {
        this.lifecycle = lifecycle;
        this.model = model;
    }

    /**
     * Stops the model, or waits for the stop already under way, and returns its report.
     *
     * @param grace how long the drain may last
     * @param steps what the model runs; null if it never got as far as running anything. Only the
     *              first call's {@code steps} are used.
     */
    public ShutdownReport stop(Duration grace, Steps steps) {
        return once.run(lifecycle, () -> run(grace, steps));
    }

    private ShutdownReport run(Duration grace, Steps steps) {
        long started = System.nanoTime();
        if (lifecycle.state() == Lifecycle.State.NEW || steps == null) {
            lifecycle.advanceTo(Lifecycle.State.STOPPED);
            return new ShutdownReport(Duration.ZERO, 0, 0, List.of());
        }
        lifecycle.advanceTo(Lifecycle.State.DRAINING);
        steps.stopAccepting();
        int open = steps.openConnections();
        List<String> stragglers = new ArrayList<>();
        int forced = 0;
        if (!steps.awaitEmpty(Instant.now().plus(grace))) {
            lifecycle.advanceTo(Lifecycle.State.FORCING);
            forced = steps.closeIdleAndFlagBusy(Instant.now().plus(FORCE_GRACE), stragglers);
            if (!steps.awaitEmpty(Instant.now().plus(FORCE_GRACE))) {
                stragglers.addAll(steps.forceAll(Instant.now().plus(FORCE_GRACE)));
                steps.awaitEmpty(Instant.now().plus(FORCE_GRACE));
            }
        }
        stragglers.addAll(steps.stopWorkers(Instant.now().plus(WORKER_STOP_GRACE)));
        lifecycle.advanceTo(Lifecycle.State.STOPPED);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        for (String s : stragglers) {
            log.warn("{} shutdown: {}", model.get(), s);
        }
        return new ShutdownReport(took, Math.max(0, open - forced), forced, stragglers);
    }
}
