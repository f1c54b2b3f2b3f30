package dev.turnstile.model.process;

import dev.turnstile.api.ShutdownReport;
import dev.turnstile.core.Lifecycle;
import dev.turnstile.core.ListenerDrain;
import dev.turnstile.core.StopSequence;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Listener;
import dev.turnstile.posix.Processes;
import dev.turnstile.posix.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The loop of a master process, the same for every process model: wait for a signal, a child's
 * exit or a one-second tick; handle queued signals by name; then {@link #reapExited()},
 * {@link #killStuck()} and {@link #spawnToTarget()}. A model says only what its children are
 * and how many it wants, in a subclass.
 *
 * <p><b>Signals.</b> {@link #signal} only queues and wakes the loop, from any thread. TERM stops
 * gracefully, in the three steps of every model's {@link StopSequence}, driven from this loop: the
 * master's listener is closed at once, children get until the drain deadline to end by themselves,
 * then SIGTERM ({@link #politeGrace()} after the deadline), then SIGKILL two seconds later; the loop
 * ends once every child is reaped. INT and QUIT stop the same way with no drain. HUP goes to
 * {@link #reload}. The model installs no OS signal handler itself: the program that embeds it (the
 * CLI) owns the process's signals and turns SIGTERM/SIGINT into {@code shutdown(drain)}, which
 * queues TERM here.
 *
 * <p><b>Children.</b> Every child spawned is tracked until {@link Processes#reap} has returned
 * its status, so none is left a zombie and none is signalled after its pid could be reused. The
 * loop ends only when it is stopping and no child is left; if it dies of an unexpected error it
 * kills and reaps every child first.
 *
 * <p><b>Thread-safety.</b> One thread runs the loop; it alone touches {@code children} and the
 * stop state, and it alone spawns (which matters: a child's parent-death signal fires when the
 * spawning thread ends). {@link #signal}, {@link #requestStop}, {@link #childCount} and
 * {@link #report} are safe from any thread.
 *
 * @param <C> the model's record of one child
 */
public abstract class MasterLoop<C extends MasterLoop.Child> implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(MasterLoop.class);
    /** The longest the loop sleeps without an event. */
    public static final Duration TICK = Duration.ofSeconds(1);
    /** How long a child gets between SIGTERM and SIGKILL. */
    public static final Duration KILL_GRACE = Duration.ofSeconds(2);

    /** What the master knows of one child; subclasses add their own fields. Master thread only. */
    public static class Child {
        private final int pid;
        private final Instant started;
        private boolean terminated; // SIGTERM sent
        private boolean killed;     // SIGKILL sent

        protected Child(int pid, Instant started) {
            this.pid = pid;
            this.started = started;
        }

        public final int pid() {
            return pid;
        }

        public final Instant started() {
            return started;
        }

        /** True once the master has sent it SIGTERM or SIGKILL. */
        public final boolean signalled() {
            return terminated || killed;
        }
    }

    protected final Processes processes;
    protected final Clock clock;
    protected final Listener listener;
    private final String name;
    private final Queue<Signal> signals = new ConcurrentLinkedQueue<>();
    private final Queue<Runnable> reloadChanges = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Duration> drain = new AtomicReference<>();
    private final CompletableFuture<ShutdownReport> report = new CompletableFuture<>();
    private final Map<Integer, C> children = new LinkedHashMap<>(); // master thread only
    private volatile int childCount;
    private StopSequence stop;                          // master thread only; null while running
    private Instant stopDrainUntil;                     // master thread only; set with stop
    private volatile String failure;
    private boolean listenerClosed;                     // master thread only

    /** @param listener the master's listening socket (or port reservation), closed when it stops accepting */
    protected MasterLoop(String name, Listener listener, Processes processes, Clock clock) {
        this.name = name;
        this.listener = listener;
        this.processes = processes;
        this.clock = clock;
    }

    @Override
    public final void run() {
        try {
            while (step()) {
                // while stopping too: a master that takes its sealed listener's queue is woken by what is queued
                processes.await(nextWait(), readableFds());
            }
        } catch (IOException | RuntimeException | Error e) {
            log.error("{} master failed: {}; killing its children", name, e.toString(), e);
            abandonChildren();
            report.completeExceptionally(e);
        } finally {
            closeListener(); // not sealed here: a loop that failed takes no queue
            processes.close();
            finished();
        }
    }

    /**
     * One round of the loop without the wait: handle signals by name, reap, kill the stuck, spawn.
     * Returns false once stopped with no child left, having completed {@link #report()}. Tests
     * drive a master with doubles through it.
     */
    public final boolean step() throws IOException {
        handleSignals();
        reapExited();
        killStuck();
        if (stop == null) {
            spawnToTarget();
            return true;
        }
        if (takeQueued(stopDrainUntil) && children.isEmpty()) {
            report.complete(stopped());
            return false;
        }
        return true;
    }

    // ---- signals: queued from any thread, handled on the loop

    /** Queues {@code s} for the loop and wakes it. Safe from any thread, even a signal handler. */
    public final void signal(Signal s) {
        signals.add(s);
        processes.wake();
    }

    /**
     * Queues {@code change} to run on the master thread, then a reload (HUP): how a model hands the
     * loop new settings from another thread. Any thread. A change queued while the master stops
     * still runs, then no reload follows.
     */
    public final void requestReload(Runnable change) {
        reloadChanges.add(change);
        signal(Signal.HUP);
    }

    /** Queues TERM with this drain time; the first call's drain wins. */
    public final void requestStop(Duration drainTime) {
        drain.compareAndSet(null, drainTime);
        signal(Signal.TERM);
    }

    private void handleSignals() {
        for (Signal s; (s = signals.poll()) != null; ) {
            switch (s) {
                case TERM -> handleTerm();
                case INT, QUIT -> handleQuit();
                case HUP -> {
                    for (Runnable change; (change = reloadChanges.poll()) != null; ) {
                        change.run();
                    }
                    if (stop == null) {
                        reload();
                    }
                }
                default -> log.debug("{} master ignores SIG{}", name, s);
            }
        }
    }

    private void handleTerm() {
        Duration d = drain.get();
        beginStop(d == null ? Duration.ofSeconds(10) : d);
    }

    private void handleQuit() {
        beginStop(Duration.ZERO);
    }

    /** Starts a stop, unless one is running: stop accepting, tell the children, set the deadlines. */
    protected final void beginStop(Duration drainTime) {
        if (stop != null) {
            return;
        }
        Instant drainUntil = clock.instant().plus(drainTime);
        stopDrainUntil = drainUntil;
        // the stop's own lifecycle: the model's (MasterModel's) reaches STOPPED only once this loop has ended
        stop = new StopSequence(new Lifecycle(), () -> name, clock,
                new StopSequence.Timings(KILL_GRACE, ChronoUnit.FOREVER.getDuration(), Duration.ZERO));
        log.info("{} master stopping: {} children get until the drain ends in {} ms", name, children.size(),
                drainTime.toMillis());
        stop.begin(drainTime.plus(politeGrace()), new Stopping(drainUntil));
    }

    /**
     * The master's answers to the stop's steps: stop accepting and tell the children the drain
     * deadline; count the children; SIGTERM every child; SIGKILL the ones still there. It has no
     * threads of its own to stop: the loop ends when the last child is reaped.
     */
    private final class Stopping implements StopSequence.Steps {
        private final Instant drainUntil;

        Stopping(Instant drainUntil) {
            this.drainUntil = drainUntil;
        }

        @Override
        public void stopAccepting() {
            MasterLoop.this.stopAccepting();
            stopRequested(drainUntil);
        }

        @Override
        public int openConnections() {
            return children.size();
        }

        @Override
        public int closeIdleAndFlagBusy(Instant answerBy, List<String> stragglers) {
            int terminated = 0;
            for (C child : children.values()) {
                Child state = child; // a type variable cannot reach Child's private fields
                if (!state.terminated) {
                    state.terminated = true;
                    terminated++;
                    send(child, Signal.TERM);
                }
            }
            return terminated;
        }

        @Override
        public List<String> forceAll(Instant answerBy) {
            List<String> killed = new ArrayList<>();
            for (C child : children.values()) {
                Child state = child;
                if (!state.killed) {
                    state.killed = true;
                    killed.add(describe(child) + " did not stop within " + KILL_GRACE.toSeconds()
                            + " s of SIGTERM; killed");
                    send(child, Signal.KILL);
                }
            }
            return killed;
        }

        @Override
        public List<String> stopWorkers(Instant deadline) {
            return List.of();
        }
    }

    /**
     * Stops the master because it cannot go on (a worker that cannot boot, a crash loop): logged
     * as an error, kept for {@link #failure()}, and a stop with five seconds of drain.
     */
    protected final void fail(String why) {
        if (failure == null) {
            failure = why;
            log.error("{}: {}; stopping", name, why);
            beginStop(Duration.ofSeconds(5));
        }
    }

    /** Why the master stopped by itself, if it did. Any thread. */
    public final Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** True once a stop has begun. Master thread. */
    protected final boolean stopping() {
        return stop != null;
    }

    // ---- reap, kill, spawn

    private void reapExited() throws IOException {
        for (Iterator<C> it = children.values().iterator(); it.hasNext(); ) {
            C child = it.next();
            Optional<ExitStatus> status = processes.reap(child.pid());
            if (status.isPresent()) {
                it.remove();
                childCount = children.size();
                exited(child, status.get());
            }
        }
    }

    private void killStuck() {
        if (stop == null) {
            killStuckChildren(clock.instant());
            return;
        }
        if (!clock.instant().isBefore(stop.deadline())) {
            stop.forceNext(); // SIGTERM when the drain is over, SIGKILL two seconds later
        }
    }

    /** Sends {@code s} to a child; a failure is logged (the child will still be reaped). */
    protected final void send(C child, Signal s) {
        try {
            processes.signal(child.pid(), s);
        } catch (IOException e) {
            log.warn("{} master: cannot signal {}: {}", name, describe(child), e.getMessage());
        }
    }

    /** Records a child just spawned, so it is reaped and counted. Master thread. */
    protected final void adopt(C child) {
        children.put(child.pid(), child);
        childCount = children.size();
    }

    /** The children not reaped yet, in spawn order. Master thread. */
    protected final Collection<C> children() {
        return Collections.unmodifiableCollection(children.values());
    }

    /** How many children are not reaped yet. Any thread. */
    public final int childCount() {
        return childCount;
    }

    private Duration nextWait() {
        if (!signals.isEmpty()) {
            return Duration.ZERO;
        }
        Duration wait = TICK;
        Instant now = clock.instant();
        Instant deadline = stop == null ? wakeBy()
                : stop.deadline().isBefore(wakeBy()) ? stop.deadline() : wakeBy(); // wakeBy: taking the queue
        if (deadline.isAfter(now) && Duration.between(now, deadline).compareTo(wait) < 0) {
            wait = Duration.between(now, deadline);
        }
        return wait;
    }

    /** The last resort after a failure of the loop itself: SIGKILL every child and reap them. */
    private void abandonChildren() {
        for (C child : children.values()) {
            send(child, Signal.KILL);
        }
        Instant deadline = clock.instant().plus(KILL_GRACE);
        while (!children.isEmpty() && clock.instant().isBefore(deadline)) {
            try {
                processes.await(Duration.ofMillis(50), -1);
                reapExited();
            } catch (IOException | RuntimeException e) {
                log.error("{} master: cannot reap after failure: {}", name, e.toString());
                return;
            }
        }
    }

    private ShutdownReport stopped() {
        ShutdownReport r = stop.finish();
        return shutdownReport(r.took(), r.drained(), r.forced(), r.stragglers());
    }

    /** The report of the stop, once every child is gone. Completes exceptionally if the loop failed. */
    public final CompletableFuture<ShutdownReport> report() {
        return report;
    }

    // ---- what a model supplies

    /** The descriptor whose readability should wake the loop (the listener of a master that accepts), or -1. */
    protected int readableFd() {
        return -1;
    }

    /** Every descriptor whose readability should wake the loop: {@link #readableFd()} unless a model has more. */
    protected int[] readableFds() {
        return new int[] {readableFd()};
    }

    /** Reacts to a reaped child: log unexpected ends, update counters and stats. */
    protected abstract void exited(C child, ExitStatus status);

    /** A moment the loop must wake by even with no event, such as the end of an accept pause. */
    protected Instant wakeBy() {
        return Instant.MAX;
    }

    /** While running: signal children that stopped answering (their heartbeat is old). */
    protected void killStuckChildren(Instant now) {
    }

    /** While running: accept and spawn, or spawn and retire, towards the model's target. */
    protected abstract void spawnToTarget() throws IOException;

    /**
     * Stops accepting, once: seals the listening socket, so the kernel queues no new connection
     * while what it queued is still taken (by a master that accepts, {@link #takesQueueOnStop}, or
     * by the children sharing the socket), and closes the master's copy unless the master takes
     * the queue itself, in which case {@link #closeListener} comes later.
     */
    private void stopAccepting() {
        if (listenerClosed) {
            return;
        }
        boolean sealed = false;
        try {
            // a listener handed to an upgrade's successor is not sealed: the seal would stop it there too
            sealed = !ListenerDrain.handedOver() && listener.seal();
        } catch (IOException | RuntimeException e) {
            log.warn("{} master: cannot seal the listener ({}): connections queued on it at the close are reset",
                    name, e.toString());
        }
        if (!sealed || !takesQueueOnStop()) {
            closeListener();
        }
    }

    /** Closes the master's copy of the listening socket (children keep theirs), once. Master thread. */
    protected final void closeListener() {
        if (!listenerClosed) {
            listenerClosed = true;
            listener.close();
        }
    }

    /**
     * True if this master accepts itself and so, once its listener is sealed, takes what the kernel
     * queued during the drain ({@link #takeQueued}) and closes the listener after. False by default.
     */
    protected boolean takesQueueOnStop() {
        return false;
    }

    /**
     * While stopping, each round: accept what is queued and serve it, close the listener once
     * nothing is left queued or {@code drainUntil} has passed. Returns true when that is done and
     * nothing accepted waits any more, so the loop may end once the children are gone.
     */
    protected boolean takeQueued(Instant drainUntil) throws IOException {
        return true;
    }

    /** True once the master's listener is closed. Master thread. */
    protected final boolean listenerClosed() {
        return listenerClosed;
    }

    /** Tells the children to finish by {@code drainUntil}, if the model has a way to. */
    protected void stopRequested(Instant drainUntil) {
    }

    /** How long after the drain deadline children get before SIGTERM. */
    protected Duration politeGrace() {
        return Duration.ZERO;
    }

    /** HUP (while running, after the changes {@link #requestReload} queued): reload, if the model can. */
    protected void reload() {
        log.info("{} master: nothing to reload", name);
    }

    /** Builds the report; {@code drained} children ended by themselves, {@code forced} got SIGTERM. */
    protected ShutdownReport shutdownReport(Duration took, int drained, int forced, List<String> stragglers) {
        return new ShutdownReport(took, drained, forced, stragglers);
    }

    /** A child for logs: {@code pid 1234 (127.0.0.1:5555)}. */
    protected abstract String describe(C child);

    /** Called on the master thread when the loop has ended, normally or not. */
    protected abstract void finished();
}
