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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
 * <p><b>Stopping.</b> Every worker's slot gets the drain deadline; workers stop accepting, finish
 * the connections in hand, force the rest at the deadline, write what they drained and forced,
 * and exit. A worker still there {@link #politeGrace()} after the deadline gets SIGTERM.
 *
 * <p>Thread-safety: the master thread only, as {@link MasterLoop} says.
 */
final class PoolMaster extends MasterLoop<PoolMaster.WorkerProcess> {

    private static final Logger log = LoggerFactory.getLogger(PoolMaster.class);

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
        boolean retiring;   // asked to stop by the spare rule
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
    private final PoolPlan plan;
    private final Scoreboard board;
    private final WorkerLauncher launcher;
    private final ServerStats stats;
    private final ScoreboardFeed feed;
    private final RandomGenerator random;
    private final Duration retireDrain;
    private final RestartIntensity restarts;
    private final FreeSlots slots;
    private long drainedConnections;                            // master thread only
    private long forcedConnections;                             // master thread only
    private int lastReportedSize = -1;                          // master thread only
    private Instant lastRetired = Instant.MIN;                  // master thread only

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

    // ---- spawn to target

    @Override
    protected void spawnToTarget() {
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
        while (started < d.spawn() && spawnOne()) {
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

    private boolean spawnOne() {
        Scoreboard.Slot slot = slots.take(clock.millis());
        if (slot == null) {
            log.debug("{}: no free scoreboard slot; {} workers are still stopping", model, children().size());
            return false;
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
            return false;
        } finally {
            if (spawn != null) {
                launcher.spawnFinished(spawn);
            }
        }
        slot.spawned(pid);
        adopt(new WorkerProcess(pid, clock.instant(), slot, limit));
        return true;
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
        feed.stop();
        board.delete();
    }
}
