package dev.turnstile.core;

import dev.turnstile.api.ShutdownReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The three-step stop of every model, written once; the model supplies only the {@link Steps}: how
 * to stop accepting, count, close and force what it runs, and how to stop its own threads.
 *
 * <ol>
 * <li><b>Stop accepting</b> ({@link Steps#stopAccepting}); the lifecycle moves to DRAINING, and the
 *     connections open at that moment are counted. The drain time starts before this step, since a
 *     model may first take the connections its listeners hold ({@link ListenerDrain}).</li>
 * <li><b>Drain</b>: open connections go on until they end or the drain time ends.</li>
 * <li><b>Force</b>, only if the drain ran out (lifecycle FORCING): idle connections are closed at
 *     once and busy ones flagged to close after the replies in hand ({@link Steps#closeIdleAndFlagBusy});
 *     they get {@link Timings#afterFlag}. Whatever is left is then forced ({@link Steps#forceAll}),
 *     named in the report, and gets {@link Timings#afterForce}.</li>
 * </ol>
 * Then the model's own threads get {@link Timings#workersStop} to stop, the lifecycle moves to
 * STOPPED, every straggler is logged as a warning, and the {@link ShutdownReport} counts as
 * drained the connections open at step 1 that the force step did not touch.
 *
 * <p><b>Two ways to run it.</b> A model that stops from the caller's thread calls {@link #stop},
 * which waits on {@link Drainable#awaitEmpty} between the steps; a model with a loop of its own
 * that must keep turning while it stops (a master reaping its children) drives the same steps from
 * that loop: {@link #begin}, then {@link #forceNext} whenever {@link #deadline()} has passed, and
 * {@link #finish} once nothing is open. The drain is timed from the start of step 1; each wait of
 * the force step starts when the step before it has returned.
 *
 * <p><b>Thread-safety.</b> {@link #stop} is safe from any thread, any number of times: the first
 * call runs the sequence on its own thread, every call waits for it and returns the same report;
 * a step that throws still leaves the lifecycle STOPPED ({@link StopOnce}); a model that never
 * started (lifecycle NEW) or has nothing to stop ({@code steps} null) stops at once with an
 * empty report. {@link #begin}, {@link #forceNext} and {@link #finish} belong to the one thread
 * that drives the stop, and are used instead of {@link #stop}, never with it.
 */
public final class StopSequence {

    private static final Logger log = LoggerFactory.getLogger(StopSequence.class);
    /** How long busy connections get to finish the message in hand once forcing starts, and again after it. */
    public static final Duration FORCE_GRACE = Duration.ofSeconds(1);
    /** How long the model's own threads get to stop after the connections are gone. */
    public static final Duration WORKER_STOP_GRACE = Duration.ofSeconds(2);

    /**
     * How long each wait of the force step lasts, and how long the model's own threads get at the end.
     * A wait of {@link ChronoUnit#FOREVER} never runs out.
     */
    public record Timings(Duration afterFlag, Duration afterForce, Duration workersStop) {
        /** The in-process models: a second after flagging, a second after forcing, two for the threads. */
        public static final Timings IN_PROCESS = new Timings(FORCE_GRACE, FORCE_GRACE, WORKER_STOP_GRACE);
    }

    /**
     * What a model runs, as its stop sees it. The sequence calls these in the order declared, each
     * at most once ({@link #openConnections} twice: just before and just after stopping accepting),
     * all on the thread that runs the stop.
     */
    public interface Steps {

        /** Closes the listeners, so nothing new is accepted, and wakes whatever waits to accept. */
        void stopAccepting();

        /**
         * As {@link #stopAccepting()}, knowing when the drain ends: a model whose acceptors first
         * take what the kernel queued ({@link ListenerDrain}) waits for that no longer than
         * {@code drainDeadline}. Calls {@link #stopAccepting()} unless overridden.
         */
        default void stopAccepting(Instant drainDeadline) {
            stopAccepting();
        }

        /** How many connections are open now. */
        int openConnections();

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

    /** The steps of a model whose stop waits on the caller's thread. */
    public interface Drainable extends Steps {

        /** Waits until no connection is open or {@code deadline} passes; true if none is open. */
        boolean awaitEmpty(Instant deadline);
    }

    /** Where a stop driven step by step stands. */
    private enum Phase { RUNNING, DRAINING, FLAGGED, FORCED, DONE }

    private final Lifecycle lifecycle;
    private final Supplier<String> model;
    private final Clock clock;
    private final Timings timings;
    private final StopOnce once = new StopOnce();
    private Phase phase = Phase.RUNNING;                        // stopping thread only
    private Steps steps;                                        // stopping thread only
    private Instant began;                                      // stopping thread only
    private Instant deadline;                                   // stopping thread only
    private int open;                                           // stopping thread only
    private int forced;                                         // stopping thread only
    private final List<String> stragglers = new ArrayList<>();  // stopping thread only

    /**
     * An in-process model's stop, on the system clock.
     *
     * @param lifecycle the model's lifecycle, moved forward by the stop
     * @param model     the model's name, for the log; asked only when a stop runs
     */
    public StopSequence(Lifecycle lifecycle, Supplier<String> model) {
        this(lifecycle, model, Clock.systemUTC(), Timings.IN_PROCESS);
    }

    /** A stop whose deadlines are read from {@code clock} and whose force step waits as {@code timings} say. */
    public StopSequence(Lifecycle lifecycle, Supplier<String> model, Clock clock, Timings timings) {
        this.lifecycle = lifecycle;
        this.model = model;
        this.clock = clock;
        this.timings = timings;
    }

    /**
     * Stops the model, or waits for the stop already under way, and returns its report.
     *
     * @param grace how long the drain may last
     * @param steps what the model runs; null if it never got as far as running anything. Only the
     *              first call's {@code steps} are used.
     */
    public ShutdownReport stop(Duration grace, Drainable steps) {
        return once.run(lifecycle, () -> run(grace, steps));
    }

    private ShutdownReport run(Duration grace, Drainable steps) {
        if (lifecycle.state() == Lifecycle.State.NEW || steps == null) {
            lifecycle.advanceTo(Lifecycle.State.STOPPED);
            return new ShutdownReport(Duration.ZERO, 0, 0, List.of());
        }
        begin(grace, steps);
        while (!steps.awaitEmpty(deadline) && forceNext()) {
            // each pass waits for the step just taken
        }
        return finish();
    }

    /** Step 1: stops accepting and counts what is open; the drain lasts until {@link #deadline()}. */
    public void begin(Duration drain, Steps steps) {
        if (phase != Phase.RUNNING) {
            throw new IllegalStateException("stop already begun (" + phase + ")");
        }
        this.steps = steps;
        began = clock.instant();
        phase = Phase.DRAINING;
        lifecycle.advanceTo(Lifecycle.State.DRAINING);
        deadline = after(drain); // the queue the listeners hold is taken within the drain
        int openAtStart = steps.openConnections();
        steps.stopAccepting(deadline);
        // a conversation may end while the queue is taken, and a queued one begin: at least the larger were drained
        open = Math.max(openAtStart, steps.openConnections());
    }

    /** When the current wait runs out: the drain, or the wait after a force step. */
    public Instant deadline() {
        return deadline;
    }

    /**
     * Takes the next force step now, because the wait before it ran out: close idle and flag busy
     * after the drain, force all after that. Returns false if both were taken already.
     */
    public boolean forceNext() {
        switch (phase) {
            case DRAINING -> {
                lifecycle.advanceTo(Lifecycle.State.FORCING);
                phase = Phase.FLAGGED;
                forced = steps.closeIdleAndFlagBusy(after(timings.afterFlag()), stragglers);
                deadline = after(timings.afterFlag());
                return true;
            }
            case FLAGGED -> {
                phase = Phase.FORCED;
                stragglers.addAll(steps.forceAll(after(timings.afterForce())));
                deadline = after(timings.afterForce());
                return true;
            }
            case FORCED -> {
                return false;
            }
            default -> throw new IllegalStateException("no stop under way (" + phase + ")");
        }
    }

    /** The end, once nothing is open or the last wait ran out: stops the model's threads and reports. */
    public ShutdownReport finish() {
        if (phase == Phase.RUNNING || phase == Phase.DONE) {
            throw new IllegalStateException("no stop under way (" + phase + ")");
        }
        phase = Phase.DONE;
        stragglers.addAll(steps.stopWorkers(after(timings.workersStop())));
        lifecycle.advanceTo(Lifecycle.State.STOPPED);
        Duration took = Duration.between(began, clock.instant());
        for (String s : stragglers) {
            log.warn("{} shutdown: {}", model.get(), s);
        }
        return new ShutdownReport(took, Math.max(0, open - forced), forced, stragglers);
    }

    /** Now plus {@code wait}, or the end of time for a wait that never runs out. */
    private Instant after(Duration wait) {
        try {
            return clock.instant().plus(wait);
        } catch (DateTimeException | ArithmeticException e) {
            return Instant.MAX;
        }
    }
}
