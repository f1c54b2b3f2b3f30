package dev.turnstile.model.prefork;

import dev.turnstile.api.ServerStats;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.model.process.ExitCodes;
import dev.turnstile.model.process.FreeSlots;
import dev.turnstile.model.process.MasterLoop;
import dev.turnstile.model.process.Scoreboard;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Listener;
import dev.turnstile.posix.Processes;
import dev.turnstile.posix.Signal;
import dev.turnstile.posix.Spawn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The master of the pre-forked pool: the one-screen loop of {@link MasterLoop}, with the pool's
 * answers to "who is dead", "who is stuck" and "how many do we want".
 *
 * <ul>
 * <li><b>reapExited → {@link #exited}:</b> the worker's last events go to the stats
 *     ({@link ScoreboardFeed#retire}); a death is logged with its status and counted against the
 *     restart intensity; a worker that could not boot stops the pool with its reason.</li>
 * <li><b>killStuck → {@link #killStuckChildren}:</b> a heartbeat older than the worker timeout,
 *     or a boot longer than the boot timeout: SIGTERM, then SIGKILL two seconds later.</li>
 * <li><b>spawnToTarget:</b> {@link SpareRule} on the live and spare workers read from the
 *     scoreboard (idle: with room for a connection, {@link PoolPlan#workerCapacity()}); replacements for dead workers come from the same rule in the same round, so a
 *     dead worker is replaced as soon as the master sees its exit (its pidfd wakes the loop).</li>
 * </ul>
 *
 * <p><b>Reload (HUP).</b> With new settings handed over through {@link #requestReload} (a
 * {@link Reload}: plan, worker command line, drain) or none (a bare HUP), every live worker is
 * replaced by a fresh one: the replacement is started, and only once it accepts (IDLE or BUSY in
 * its slot) is the old one asked to stop, as the spare rule retires one: it stops accepting,
 * finishes its conversations within the drain and exits. With the shared listening socket no
 * connection waits on a worker that leaves, so none is refused; the spare rule is suspended
 * until every old worker is retired.
 *
 * <p><b>Stopping.</b> Every worker's slot gets the drain deadline; workers stop accepting, finish
 * the connections in hand, force the rest at the deadline, write what they drained and forced,
 * and exit. A worker still there {@link #politeGrace()} after the deadline gets SIGTERM.
 *
 * <p>Thread-safety: the master thread only, as {@link MasterLoop} says.
 */
final class PoolMaster extends MasterLoop<PoolMaster.WorkerProcess> {

    private static final Logger log = LoggerFactory.getLogger(PoolMaster.class);
    /**
     * A reload boots at most this many replacements at once: it never doubles a large pool's
     * memory in one go, and JVMs booting side by side on a busy machine each take longer, the
     * longer the closer to the boot timeout, whose SIGTERM resets what a late worker had accepted.
     */
    static final int REPLACING_AT_ONCE = 2;

    /** Starts the worker for a slot: the seam where tests put a double. */
    @FunctionalInterface
    interface WorkerLauncher {
        /** How to start the worker for {@code slot}; may open descriptors it passes, closed in {@link #spawnFinished}. */
        Spawn spawn(int slot, long connectionLimit) throws IOException;

        /** After {@link Processes#spawn} of {@code spawn}, started or not: closes what {@link #spawn} opened for it. */
        default void spawnFinished(Spawn spawn) {
        }
    }

    /** One worker process. Master thread only. */
    static final class WorkerProcess extends MasterLoop.Child {
        final Scoreboard.Slot slot;
        final long connectionLimit;
        boolean retiring;   // asked to stop by the spare rule or a reload
        boolean reaped;     // exited and reaped
        WorkerProcess replacement; // a reload's fresh worker for this one, until this one retires
        Instant termSentAt; // SIGTERM sent for being stuck
        boolean killSent;

        WorkerProcess(int pid, Instant started, Scoreboard.Slot slot, long connectionLimit) {
            super(pid, started);
            this.slot = slot;
            this.connectionLimit = connectionLimit;
        }

        String name() {
            return ScoreboardFeed.workerName(slot.index());
        }

        /** Counted by the spare rule: neither retiring, stopping by itself, nor being killed. */
        boolean live() {
            return !retiring && termSentAt == null && !signalled() && slot.state() != Scoreboard.State.STOPPING;
        }
    }

    private final String model;
    private PoolPlan plan;                                      // master thread only; a reload replaces it
    private final Scoreboard board;
    private WorkerLauncher launcher;                            // master thread only; a reload replaces it
    private final ServerStats stats;
    private final ScoreboardFeed feed;
    private final RandomGenerator random;
    private Duration retireDrain;                               // master thread only; a reload replaces it
    private RestartIntensity restarts;                          // master thread only; a reload replaces it
    private final FreeSlots slots;
    private long drainedConnections;                            // master thread only
    private long forcedConnections;                             // master thread only
    private int lastReportedSize = -1;                          // master thread only
    private Instant lastRetired = Instant.MIN;                  // master thread only
    private final List<WorkerProcess> outdated = new ArrayList<>();           // master thread only: a reload's old workers
    private final List<CompletableFuture<String>> reloads = new ArrayList<>(); // master thread only: callers waiting
    private Instant reloadStarted;                              // master thread only
    private int replaced;                                       // master thread only: by the reload in progress
    private boolean waitingForSlot;                             // master thread only: said so once per reload

    /**
     * A reload's settings for the workers started from now on.
     *
     * @param retireDrain how long an old worker may take to finish its conversations
     */
    record Reload(PoolPlan plan, WorkerLauncher launcher, Duration retireDrain) {
    }

    /**
     * @param retireDrain how long a worker retired by the spare rule may take to finish a
     *                    connection that arrived just as it was picked (the idle timeout)
     */
    PoolMaster(String model, PoolPlan plan, Scoreboard board, Listener listener, WorkerLauncher launcher,
               ServerStats stats, ScoreboardFeed feed, Processes processes, Clock clock, RandomGenerator random,
               Duration retireDrain) {
        super(model, listener, processes, clock);
        this.model = model;
        this.plan = plan;
        this.board = board;
        this.slots = new FreeSlots(board, plan.slots());
        this.launcher = launcher;
        this.stats = stats;
        this.feed = feed;
        this.random = random;
        this.retireDrain = retireDrain;
        this.restarts = new RestartIntensity(plan.maxRestarts(), plan.restartWindow());
    }

    // ---- reload

    /**
     * Master thread (a change queued by {@link #requestReload}): the workers started from now on
     * use {@code r}; {@code done} completes when the reload that follows has replaced every worker.
     */
    void use(Reload r, CompletableFuture<String> done) {
        plan = r.plan();
        launcher = r.launcher();
        retireDrain = r.retireDrain();
        restarts = new RestartIntensity(plan.maxRestarts(), plan.restartWindow());
        reloads.add(done);
    }

    /**
     * HUP: every live worker is outdated; {@link #replaceOutdated} replaces them, a fresh worker
     * accepting before the one it replaces is asked to stop. A HUP during a reload adds the
     * workers started since (under the older settings) to the ones still to replace.
     */
    @Override
    protected void reload() {
        if (outdated.isEmpty()) {
            reloadStarted = clock.instant();
            replaced = 0;
            waitingForSlot = false;
        }
        for (WorkerProcess w : children()) {
            if (w.live() && !outdated.contains(w)) {
                outdated.add(w);
            }
        }
        log.info("{}: reloading: replacing {} workers with fresh ones, each retiring once its replacement accepts", model,
                outdated.size());
        if (outdated.isEmpty()) {
            reloaded();
        }
    }

    /**
     * One round of a reload: start replacements (at most {@link #REPLACING_AT_ONCE} booting), and
     * retire each old worker whose replacement is ready. An old worker that dies or stops by
     * itself meanwhile drops out (the spare rule makes up the pool after the reload); a
     * replacement that dies is started again.
     */
    private void replaceOutdated() {
        int booting = 0;
        for (WorkerProcess old : outdated) {
            if (old.replacement != null && !old.replacement.reaped && old.replacement.slot.state() == Scoreboard.State.STARTING) {
                booting++;
            }
        }
        for (Iterator<WorkerProcess> it = outdated.iterator(); it.hasNext(); ) {
            WorkerProcess old = it.next();
            if (old.reaped || !old.live()) {
                it.remove();
                continue;
            }
            WorkerProcess fresh = old.replacement;
            if (fresh != null && (fresh.reaped || !fresh.live())) {
                fresh = null;
            }
            if (fresh == null) {
                if (booting < REPLACING_AT_ONCE) {
                    old.replacement = spawnOne();
                    booting += old.replacement != null ? 1 : 0;
                    if (old.replacement == null && !waitingForSlot) {
                        waitingForSlot = true;
                        log.info("{}: reload waits for a free scoreboard slot: {} retired workers still finish their"
                                + " conversations", model, children().stream().filter(w -> w.retiring).count());
                    }
                }
                continue;
            }
            Scoreboard.State s = fresh.slot.state();
            if (s == Scoreboard.State.IDLE || s == Scoreboard.State.BUSY) {
                old.retiring = true; // finishes its conversations, or is forced at the deadline
                old.slot.requestStop(clock.millis() + retireDrain.toMillis());
                old.replacement = null;
                replaced++;
                it.remove();
            }
        }
        if (outdated.isEmpty()) {
            reloaded();
        }
    }

    private void reloaded() {
        String done = "replaced " + replaced + " workers in " + Duration.between(reloadStarted, clock.instant()).toMillis()
                + " ms; the old ones finish their conversations (up to " + retireDrain.toSeconds() + " s)";
        log.info("{}: reload done: {}", model, done);
        completeReloads(done);
    }

    private void completeReloads(String outcome) {
        for (CompletableFuture<String> f : reloads) {
            f.complete(outcome);
        }
        reloads.clear();
    }

    // ---- spawn to target

    @Override
    protected void spawnToTarget() {
        if (!outdated.isEmpty()) {
            replaceOutdated(); // the spare rule resumes, with the new plan, once the reload is done
            return;
        }
        int live = 0;
        int idle = 0;
        int starting = 0;
        for (WorkerProcess w : children()) {
            if (w.live()) {
                live++;
                Scoreboard.State s = w.slot.state();
                if (s == Scoreboard.State.STARTING || s == Scoreboard.State.IDLE) {
                    idle++;
                }
                if (s == Scoreboard.State.STARTING) {
                    starting++;
                }
            }
        }
        SpareRule.Decision d = lastReportedSize < 0
                ? new SpareRule.Decision(plan.initial(), false, "start") // the first round starts the initial workers
                : SpareRule.decide(plan, live, idle);
        int started = 0;
        while (started < d.spawn() && spawnOne() != null) {
            started++;
        }
        // no retiring while workers boot: how many will be idle is not known yet
        boolean retired = d.retire() && starting == 0 && !clock.instant().isBefore(lastRetired.plus(TICK)) && retireOneIdle();
        int size = live + started - (retired ? 1 : 0);
        if (size != lastReportedSize) {
            String why = lastReportedSize < 0 ? "started " + size + " workers"
                    : (size > lastReportedSize ? "grew to " : "shrank to ") + size + ": " + d.reason();
            lastReportedSize = size;
            stats.poolResized(size, why);
            log.info("{}: {}", model, why);
        }
    }

    /** Starts a worker in a free slot; null if there is none or the spawn failed (logged, counted as a death). */
    private WorkerProcess spawnOne() {
        Scoreboard.Slot slot = slots.take(clock.millis());
        if (slot == null) {
            log.debug("{}: no free scoreboard slot; {} workers are still stopping", model, children().size());
            return null;
        }
        long limit = connectionLimit();
        int pid;
        Spawn spawn = null;
        try {
            spawn = launcher.spawn(slot.index(), limit);
            pid = processes.spawn(spawn);
        } catch (IOException e) {
            slots.release(slot);
            log.warn("{}: cannot start a worker: {}", model, e.getMessage());
            died("cannot start a worker: " + e.getMessage());
            return null;
        } finally {
            if (spawn != null) {
                launcher.spawnFinished(spawn);
            }
        }
        slot.spawned(pid);
        WorkerProcess w = new WorkerProcess(pid, clock.instant(), slot, limit);
        adopt(w);
        return w;
    }

    /** The configured limit plus a random 0 to 25 %, so workers started together retire apart. */
    private long connectionLimit() {
        int n = plan.maxConnectionsPerWorker();
        return n == 0 ? 0 : n + random.nextInt(n / 4 + 1);
    }

    /**
     * Asks the idle worker in the highest slot to stop, as Apache retires the highest; at most one a
     * second. Only a worker holding no connection: one running an in-process model is idle while it
     * has room, and retiring it would cut its conversations short.
     */
    private boolean retireOneIdle() {
        Optional<WorkerProcess> idle = children().stream()
                .filter(w -> w.live() && w.slot.state() == Scoreboard.State.IDLE && w.slot.active() == 0)
                .max(Comparator.comparingInt(w -> w.slot.index()));
        idle.ifPresent(w -> {
            w.retiring = true; // idle, it stops at once; if a connection just came, it has until the deadline
            w.slot.requestStop(clock.millis() + retireDrain.toMillis());
            lastRetired = clock.instant();
        });
        return idle.isPresent();
    }

    // ---- reap

    @Override
    protected void exited(WorkerProcess w, ExitStatus status) {
        w.reaped = true;
        feed.retire(w.slot);
        if (stopping()) {
            drainedConnections += w.slot.drained();
            forcedConnections += w.slot.forced();
        }
        String note = w.slot.note();
        slots.release(w.slot);
        String who = w.name() + " (pid " + w.pid() + ")";
        int code = status.signal() == 0 ? status.code() : -1;
        if (code == ExitCodes.CANNOT_BOOT) {
            fail(who + " cannot boot: " + (note.isEmpty() ? "see its log above" : note));
        } else if (code == ExitCodes.RECYCLED) {
            log.info("{}: {} retired after its share of connections; replacing it", model, who);
        } else if ((code == ExitCodes.DONE || code == ExitCodes.TERMINATED) && (w.retiring || stopping())) {
            log.debug("{}: {} stopped", model, who);
        } else if (!stopping()) {
            String how = ExitCodes.describe(status);
            log.warn("{}: {} {}{}; replacing it", model, who, how, w.termSentAt != null ? " after it stopped answering" : "");
            died(who + " " + how);
        }
    }

    /** Counts a death against the restart intensity; one too many stops the pool. */
    private void died(String what) {
        if (restarts.exceededBy(clock.instant())) {
            fail(restarts.recent() + " workers died within " + plan.restartWindow().toSeconds() + " s (last: " + what
                    + "); stopping instead of restarting in a loop (max-restarts " + plan.maxRestarts() + ")");
        }
    }

    // ---- kill stuck

    @Override
    protected void killStuckChildren(Instant now) {
        for (WorkerProcess w : children()) {
            if (w.termSentAt != null) {
                if (!w.killSent && !now.isBefore(w.termSentAt.plus(KILL_GRACE))) {
                    w.killSent = true;
                    send(w, Signal.KILL);
                }
                continue;
            }
            Scoreboard.State s = w.slot.state();
            Duration silent = Duration.ofMillis(now.toEpochMilli() - w.slot.heartbeatMillis());
            if (s == Scoreboard.State.STARTING && silent.compareTo(plan.bootTimeout()) > 0) {
                log.warn("{}: {} (pid {}) still starting after {} s; terminating it", model, w.name(), w.pid(), silent.toSeconds());
            } else if (s != Scoreboard.State.STARTING && silent.compareTo(plan.workerTimeout()) > 0) {
                log.warn("{}: {} (pid {}) sent no heartbeat for {} s; terminating it", model, w.name(), w.pid(), silent.toSeconds());
            } else {
                continue;
            }
            w.termSentAt = now;
            send(w, Signal.TERM);
        }
    }

    // ---- stop

    @Override
    protected void stopRequested(Instant drainUntil) {
        outdated.clear();
        completeReloads("the server stopped before the reload was done");
        for (WorkerProcess w : children()) {
            w.slot.requestStop(drainUntil.toEpochMilli());
        }
    }

    /** Workers force their own connections at the deadline, which takes up to two seconds. */
    @Override
    protected Duration politeGrace() {
        return Duration.ofSeconds(3);
    }

    @Override
    protected ShutdownReport shutdownReport(Duration took, int drained, int forced, List<String> stragglers) {
        // connections, as the workers counted them, plus the workers that had to be terminated
        return new ShutdownReport(took, Math.toIntExact(drainedConnections), Math.toIntExact(forcedConnections + forced),
                stragglers);
    }

    @Override
    protected String describe(WorkerProcess w) {
        return w.name() + " (pid " + w.pid() + ")";
    }

    @Override
    protected void finished() {
        completeReloads("the server stopped before the reload was done");
        feed.stop();
        board.delete();
    }
}
