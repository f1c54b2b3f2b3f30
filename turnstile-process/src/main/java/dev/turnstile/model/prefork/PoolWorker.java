package dev.turnstile.model.prefork;

import dev.turnstile.api.ListenOn;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.ServerContext;
import dev.turnstile.api.ServerModel;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The main class of a process-pool worker JVM: serves the configured service on the listening
 * socket it inherited as stdin (or, balanced by reuseport, on its own SO_REUSEPORT socket), with
 * one or more threads ({@link WorkerModel}) or with the in-process model the pool names
 * ({@link HostedModel}: an event loop, a thread pool, ...), and reports through its
 * {@link Scoreboard} slot. An in-process model reports to the worker's stats like any server, so
 * the slot gets its open connections, messages and bytes without the model knowing about pools.
 *
 * <p><b>A worker model</b> is given its socket as standard input, the way it serves an inetd or
 * systemd socket: the shared one, or with reuseport a SO_REUSEPORT socket of its own that the
 * master made for it ({@link PoolWorkerCommand}). Its recycling counts connections opened
 * ({@link ServedCount}): at the limit the worker stops accepting (a connection or two arriving in
 * that instant may still be taken), drains what it holds up to the idle timeout and exits
 * {@link ExitCodes#RECYCLED}. A handler's VirtualMachineError follows the model's own rule (its
 * connection closes, the model serves on); a model that stops by itself ({@link ServerModel#failure})
 * makes the worker exit {@link ExitCodes#FAILED}, and the master replaces it.
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
        ServerModel model;
        LongSupplier accepted;
        ParentWatch parent;
        Duration recycleDrain;
        CountDownLatch limitReached = new CountDownLatch(1);
        Runnable beforeStop = () -> { };
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
            long connectionLimit = a.number("max-connections");
            Optional<HostedModel> hosted = HostedModel.fromArguments(a);
            if (hosted.isPresent()) {
                ServerConfig config = spec.config();
                ServedCount served = new ServedCount(connectionLimit, limitReached::countDown);
                stats.addListener(served);
                accepted = served::opened;
                model = hosted.get().create();
                model.start(new ServerContext(config, service, stats, ListenOn.STANDARD_INPUT));
                if (balance == Balance.REUSEPORT) { // its own socket, which the model would close unsealed
                    ServerSocketChannel own = inheritedListener();
                    beforeStop = () -> OwnSocketSeal.seal(own);
                }
            } else {
                WorkerModel worker = new WorkerModel(balance == Balance.SHARED ? inheritedListener() : null,
                        reporter.slot(), Math.toIntExact(a.number("threads")), connectionLimit, limitReached::countDown,
                        () -> {
                            handlerFailed.set(true);
                            limitReached.countDown();
                        });
                accepted = worker::accepted;
                model = worker;
                model.start(new ServerContext(spec.config(), service, stats));
            }
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
        ServerModel serving = model;
        Runnable sealFirst = beforeStop;
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("turnstile-stop").unstarted(() -> {
            slot.stopping();
            sealFirst.run();
            slot.stopped(serving.shutdown(Duration.ZERO));
        }));
        reporter.ready();
        System.exit(heartbeatUntilStop(reporter, model, beforeStop, accepted, parent, limitReached, handlerFailed,
                recycleDrain));
    }

    /**
     * The main thread's loop: looks for a reason to stop every heartbeat period and stops for the
     * first one found; returns the exit code. The heartbeat itself runs on a daemon thread, so it
     * goes on while the worker drains.
     */
    private static int heartbeatUntilStop(SlotReporter reporter, ServerModel model, Runnable beforeStop,
                                          LongSupplier accepted, ParentWatch parent,
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
                return stop(reporter, model, beforeStop, Duration.ofMillis(Math.max(0, stopBy - System.currentTimeMillis())), ExitCodes.DONE);
            }
            Optional<String> failure = model.failure();
            if (failure.isPresent()) {
                log.error("the worker's {} stopped by itself: {}; exiting", model.name(), failure.get());
                return stop(reporter, model, beforeStop, recycleDrain, ExitCodes.FAILED);
            }
            if (handlerFailed.get()) {
                log.error("a handler failed with a VirtualMachineError: finishing the conversations in hand and exiting");
                return stop(reporter, model, beforeStop, recycleDrain, ExitCodes.FAILED);
            }
            if (limitReached.getCount() == 0) {
                log.info("served {} connections: retiring", accepted.getAsLong());
                return stop(reporter, model, beforeStop, recycleDrain, ExitCodes.RECYCLED);
            }
            if (parent.orphaned()) {
                log.warn("master {} is gone: stopping", parent.masterPid());
                return stop(reporter, model, beforeStop, ORPHAN_DRAIN, ExitCodes.ORPHANED);
            }
            try {
                limitReached.await(HEARTBEAT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return stop(reporter, model, beforeStop, Duration.ZERO, ExitCodes.DONE);
            }
        }
    }

    /** Stops the model; {@code beforeStop} first (the seal of a worker model's own socket, {@link OwnSocketSeal}). */
    private static int stop(SlotReporter reporter, ServerModel model, Runnable beforeStop, Duration drain, int code) {
        reporter.stopping();
        beforeStop.run();
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
        known.addAll(Set.of("master-pid", "scoreboard", "slot", "threads", "max-connections", "balance", "worker-model",
                "worker-options"));
        return Set.copyOf(known);
    }
}
