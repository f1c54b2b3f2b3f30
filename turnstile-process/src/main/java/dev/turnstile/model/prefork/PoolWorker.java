package dev.turnstile.model.prefork;

import dev.turnstile.api.ServerContext;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.Service;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.model.process.ExitCodes;
import dev.turnstile.model.process.ParentWatch;
import dev.turnstile.model.process.Scoreboard;
import dev.turnstile.model.process.ServiceSpec;
import dev.turnstile.model.process.SlotReporter;
import dev.turnstile.model.process.WorkerArguments;
import dev.turnstile.model.process.WorkerStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The main class of a process-pool worker JVM: serves the configured service on the listening
 * socket it inherited as stdin (or, balanced by reuseport, on its own SO_REUSEPORT socket), with
 * one or more threads ({@link WorkerModel}), and reports through its {@link Scoreboard} slot.
 *
 * <p><b>Heartbeat and stop.</b> A daemon thread writes the heartbeat and counters every
 * {@value #HEARTBEAT_MS} ms, also while the worker drains. The main thread looks as often for a
 * reason to stop: the master's stop request in the slot (drain
 * until the master's deadline; exit 0), the connection limit reached (finish the connection in
 * hand; exit {@link ExitCodes#RECYCLED}), a handler's VirtualMachineError (stop accepting, finish the
 * connections in hand; exit {@link ExitCodes#FAILED}, and the master replaces the worker), or a parent that is no longer the master (exit
 * {@link ExitCodes#ORPHANED}). SIGTERM, which the master sends only after its deadline, runs a
 * shutdown hook that stops at once: idle connections close now, busy ones after their replies.
 *
 * <p>A worker that cannot start serving writes why into its slot's note and exits
 * {@link ExitCodes#CANNOT_BOOT}, so the master stops with that reason instead of respawning.
 */
public final class PoolWorker {

    private static final Logger log = LoggerFactory.getLogger(PoolWorker.class);
    static final int HEARTBEAT_MS = 200;
    private static final Duration ORPHAN_DRAIN = Duration.ofSeconds(5);
    static final Set<String> ARGUMENTS = arguments();

    private PoolWorker() {
    }

    public static void main(String[] args) {
        WorkerStreams.protect();
        SlotReporter reporter = null;
        WorkerModel model;
        ParentWatch parent;
        Duration recycleDrain;
        CountDownLatch limitReached = new CountDownLatch(1);
        AtomicBoolean handlerFailed = new AtomicBoolean(); // set, then limitReached counted down to wake the main thread
        try {
            WorkerArguments a = WorkerArguments.parse(args, ARGUMENTS);
            Scoreboard board = Scoreboard.open(Path.of(a.text("scoreboard")), true);
            ServerStats stats = new ServerStats();
            reporter = new SlotReporter(board.slot(Math.toIntExact(a.number("slot"))), stats);
            stats.addListener(reporter);
            parent = new ParentWatch(a.number("master-pid"));
            ServiceSpec spec = ServiceSpec.fromArguments(a);
            recycleDrain = spec.config().idleTimeout();
            Service service = spec.newService();
            Balance balance = Balance.parse(a.text("balance"));
            model = new WorkerModel(balance == Balance.SHARED ? inheritedListener() : null, reporter.slot(),
                    Math.toIntExact(a.number("threads")), a.number("max-connections"), limitReached::countDown,
                    () -> {
                        handlerFailed.set(true);
                        limitReached.countDown();
                    });
            model.start(new ServerContext(spec.config(), service, stats));
        } catch (IllegalArgumentException | IOException e) {
            String why = e.getMessage();
            log.error("pool worker cannot boot: {}", why);
            if (reporter != null) {
                reporter.cannotBoot(why);
            }
            System.exit(ExitCodes.CANNOT_BOOT);
            return;
        }
        SlotReporter slot = reporter;
        WorkerModel serving = model;
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("turnstile-stop").unstarted(() -> {
            slot.stopping();
            slot.stopped(serving.shutdown(Duration.ZERO));
        }));
        reporter.ready();
        System.exit(heartbeatUntilStop(reporter, model, parent, limitReached, handlerFailed, recycleDrain));
    }

    /**
     * The main thread's loop: looks for a reason to stop every heartbeat period and stops for the
     * first one found; returns the exit code. The heartbeat itself runs on a daemon thread, so it
     * goes on while the worker drains.
     */
    private static int heartbeatUntilStop(SlotReporter reporter, WorkerModel model, ParentWatch parent,
                                          CountDownLatch limitReached, AtomicBoolean handlerFailed,
                                          Duration recycleDrain) {
        Thread.ofPlatform().daemon().name("turnstile-heartbeat").start(() -> {
            while (true) {
                reporter.heartbeat();
                try {
                    Thread.sleep(HEARTBEAT_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        while (true) {
            long stopBy = reporter.slot().stopByMillis();
            if (stopBy > 0) {
                return stop(reporter, model, Duration.ofMillis(Math.max(0, stopBy - System.currentTimeMillis())), ExitCodes.DONE);
            }
            if (handlerFailed.get()) {
                log.error("a handler failed with a VirtualMachineError: finishing the conversations in hand and exiting");
                return stop(reporter, model, recycleDrain, ExitCodes.FAILED);
            }
            if (limitReached.getCount() == 0) {
                log.info("served {} connections: retiring", model.accepted());
                return stop(reporter, model, recycleDrain, ExitCodes.RECYCLED);
            }
            if (parent.orphaned()) {
                log.warn("master {} is gone: stopping", parent.masterPid());
                return stop(reporter, model, ORPHAN_DRAIN, ExitCodes.ORPHANED);
            }
            try {
                limitReached.await(HEARTBEAT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return stop(reporter, model, Duration.ZERO, ExitCodes.DONE);
            }
        }
    }

    private static int stop(SlotReporter reporter, WorkerModel model, Duration drain, int code) {
        reporter.stopping();
        ShutdownReport report = model.shutdown(drain);
        reporter.stopped(report);
        return code;
    }

    private static ServerSocketChannel inheritedListener() throws IOException {
        Channel inherited = System.inheritedChannel();
        if (inherited instanceof ServerSocketChannel listener) {
            return listener;
        }
        throw new IOException("standard input is " + (inherited == null ? "not a socket" : "a connection")
                + ", not the pool's listening socket");
    }

    private static Set<String> arguments() {
        Set<String> known = new HashSet<>(ServiceSpec.ARGUMENTS);
        known.addAll(Set.of("master-pid", "scoreboard", "slot", "threads", "max-connections", "balance"));
        return Set.copyOf(known);
    }
}
