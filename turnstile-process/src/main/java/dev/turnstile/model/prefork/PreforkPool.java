package dev.turnstile.model.prefork;

import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ListenOn;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.ServerContext;
import dev.turnstile.api.Service;
import dev.turnstile.model.process.ClassDataArchive;
import dev.turnstile.model.process.MasterLoop;
import dev.turnstile.model.process.MasterModel;
import dev.turnstile.model.process.Scoreboard;
import dev.turnstile.model.process.ServiceSpec;
import dev.turnstile.model.process.WorkerJvm;
import dev.turnstile.model.process.WorkerLaunch;
import dev.turnstile.posix.ListenMode;
import dev.turnstile.posix.Listener;
import dev.turnstile.posix.Posix;
import dev.turnstile.posix.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The notes' pool of processes: a master creates the listening socket and starts worker JVMs
 * ({@link PoolWorker}) that inherit it and loop on accept(), supervised by {@link PoolMaster}
 * and watched through a {@link Scoreboard} in shared memory, which {@link ScoreboardFeed} turns
 * into the server's stats and {@code turnstile status} prints ({@link StatusPage}).
 *
 * <p>{@link #start} returns once the first workers are ready to serve, or throws why they
 * cannot (a worker that cannot boot says why in its slot). Stopping: see {@link PoolMaster}.
 */
public final class PreforkPool extends MasterModel {

    private static final Logger log = LoggerFactory.getLogger(PreforkPool.class);

    /**
     * The pool's plan, how its workers start, and the in-process model they run (empty: the
     * built-in worker, {@link WorkerModel}).
     */
    public record Settings(PoolPlan plan, WorkerLaunch workers, Optional<HostedModel> hosted) {
        public Settings {
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(workers, "workers");
            Objects.requireNonNull(hosted, "hosted");
        }

        public Settings(PoolPlan plan, WorkerLaunch workers) {
            this(plan, workers, Optional.empty());
        }
    }

    private final Settings settings;
    private volatile Scoreboard board;
    private volatile ServerContext context;         // set in launch, for reloads
    private volatile PoolMaster master;             // set in launch
    private volatile PoolWorkerCommand command;     // the latest worker command line (start or last reload)

    public PreforkPool(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return "process-pool";
    }

    @Override
    protected Launched launch(ServerContext context) throws IOException {
        ServerConfig config = context.config();
        boolean inherited = context.listenOn() == ListenOn.STANDARD_INPUT;
        PoolPlan plan = inherited ? sharedAccept(settings.plan()) : settings.plan();
        ServiceSpec.of(context.service(), config, name()); // fail before binding if workers could not create it
        ServiceSpec.refusePerSourceLimitsBehindProxy(config, name());
        settings.hosted().ifPresent(hosted -> refuseUnsupported(hosted, context.config(), context.service()));
        ListenMode mode = plan.balance() == Balance.SHARED ? ListenMode.SHARED : ListenMode.REUSE_PORT_RESERVATION;
        Listener listener = inherited ? Posix.inheritedListener(mode)
                : Posix.listen(new InetSocketAddress(config.host(), config.port()), config.acceptBacklog(), mode);
        Processes processes = null;
        Scoreboard made = null;
        try {
            InetSocketAddress local = listener.localAddress();
            ServerConfig bound = config.withPort(local.getPort()); // reuseport workers bind this very port
            ServiceSpec spec = ServiceSpec.of(context.service(), bound, name());
            Path file = Scoreboard.fileFor(local.getPort());
            if (!inherited) { // an inherited socket was handed to us: by an upgrade, the master we replace serves it too
                refuseIfServed(file, local);
            }
            made = Scoreboard.create(file, plan.slots(), Posix.pid(), local.getPort(), name(), plan.threadsPerWorker(),
                    config.limits());
            WorkerLaunch workers = settings.workers();
            Optional<ClassDataArchive> archive = ClassDataArchive.prepare(workers.archive(), workers.jvm(),
                    PoolWorker.class, bound);
            WorkerJvm jvm = archive.map(ClassDataArchive::jvm).orElse(workers.jvm());
            made.describeWorkers(settings.hosted().map(HostedModel::name).orElse(""), plan.workerCapacity());
            PoolWorkerCommand launcher = new PoolWorkerCommand(jvm, archive, spec, Posix.pid(), made, plan, listener.fd(),
                    settings.hosted());
            processes = Posix.processes();
            ScoreboardFeed feed = new ScoreboardFeed(made, context.stats(), local, name());
            PoolMaster master = new PoolMaster(name(), plan, made, listener, launcher, context.stats(), feed, processes,
                    Clock.systemUTC(), RandomGenerator.getDefault(), config.idleTimeout());
            feed.start("turnstile-feed-" + local.getPort());
            board = made;
            this.context = context;
            this.master = master;
            this.command = launcher;
            log.info("{} on {}: {} to {} workers ({} at start), {} each, {} accept; scoreboard {}", name(), local,
                    plan.min(), plan.max(), plan.initial(), settings.hosted()
                            .map(h -> h.name() + " (busy at " + plan.workerCapacity() + " connections)")
                            .orElse(plan.threadsPerWorker() + " thread(s)"), plan.balance().cliName(), file);
            if (!config.limits().equals(ConnectionLimits.none())) {
                log.info("{}: {}, applied by the workers together through the scoreboard", name(), config.limits());
            }
            return new Launched(local, master);
        } catch (IOException | RuntimeException | Error e) {
            listener.close();
            if (processes != null) {
                processes.close();
            }
            if (made != null) {
                made.delete();
            }
            throw e;
        }
    }

    /**
     * The pool's connection limits are applied by the built-in worker's accept loops together,
     * through the scoreboard ({@link SharedLimits}); an in-process model applies its own limits to
     * its own connections only, so with a worker model they would bind each worker, not the pool.
     * Refused rather than silently multiplied by the number of workers.
     */
    private void refuseUnsupported(HostedModel hosted, ServerConfig config, Service service) {
        if (!config.limits().equals(ConnectionLimits.none())) {
            throw new IllegalArgumentException(name() + " --worker-model " + hosted.name() + " does not apply"
                    + " --max-connections, --max-connections-per-ip or --max-accept-rate: the built-in worker applies"
                    + " them across the pool through the scoreboard, and an in-process model in each worker would"
                    + " apply them per worker; drop them, or use the built-in worker");
        }
        hosted.refuseIfCannotRun(service);
    }

    /**
     * Replaces every worker with one started with {@code config} and the pool knobs of
     * {@code options} (size, spares, recycling, restarts), one by one as {@link PoolMaster}
     * says; the new connection limits go into the scoreboard for the new workers. What the
     * scoreboard or the socket fixed at start stays: threads per worker, balance, at most the
     * first max workers, worker JVM and heap.
     */
    @Override
    public CompletableFuture<String> reload(ServerConfig config, ModelOptions options) {
        PoolMaster m = master;
        PoolWorkerCommand c = command;
        if (m == null || c == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(name() + " is not running"));
        }
        try {
            PoolPlan started = c.plan();
            PoolPlan asked = PreforkPoolProvider.plan(options, c.hosted().isPresent());
            int room = board.slots() / 2; // the scoreboard, sized at start, holds twice the first max
            int max = Math.min(asked.max(), room);
            int min = Math.min(asked.min(), max);
            String note = asked.max() <= room ? "" : "; max " + asked.max() + " needs a restart (the scoreboard has room"
                    + " for " + room + " workers), so max is " + room;
            PoolPlan plan = new PoolPlan(Math.clamp(asked.initial(), min, max), min, max, asked.minSpare(), asked.maxSpare(),
                    started.threadsPerWorker(), asked.maxConnectionsPerWorker(), started.balance(), asked.maxRestarts(),
                    asked.restartWindow(), started.workerTimeout(), started.bootTimeout(), started.workerCapacity());
            ServiceSpec.refusePerSourceLimitsBehindProxy(config, name());
            ServiceSpec spec = ServiceSpec.of(context.service(), config.withPort(c.spec().config().port()), name());
            c.hosted().ifPresent(hosted -> refuseUnsupported(hosted, config, context.service()));
            PoolWorkerCommand next = new PoolWorkerCommand(c.jvm(), c.archive(), spec, c.masterPid(), c.board(), plan,
                    c.listenerFd(), c.hosted());
            CompletableFuture<String> done = new CompletableFuture<>();
            command = next;
            m.requestReload(() -> {
                board.rewriteLimits(config.limits());
                m.use(new PoolMaster.Reload(plan, next, config.idleTimeout()), done);
            });
            return done.thenApply(outcome -> outcome + note);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * An inherited socket is the one socket: the workers share it (they get it as their standard
     * input), since a SO_REUSEPORT socket of their own would bind the port beside it.
     */
    private PoolPlan sharedAccept(PoolPlan plan) {
        if (plan.balance() == Balance.SHARED) {
            return plan;
        }
        log.info("{}: serving the inherited socket, so the workers share it (--balance {} does not apply)", name(),
                plan.balance().cliName());
        return plan.withBalance(Balance.SHARED);
    }

    /**
     * With reuseport two masters could share a port: refuse if the scoreboard of a live master
     * (this very JVM included) is there; a dead master's is replaced.
     */
    private static void refuseIfServed(Path file, InetSocketAddress local) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try {
            long other = Scoreboard.open(file, false).masterPid();
            if (ProcessHandle.of(other).map(ProcessHandle::isAlive).orElse(false)) {
                throw new BindException(local.getAddress().getHostAddress() + ":" + local.getPort()
                        + " is already in use by turnstile master pid " + other);
            }
        } catch (BindException e) {
            throw e;
        } catch (IOException e) {
            log.debug("replacing unreadable scoreboard {}: {}", file, e.getMessage());
        }
    }

    /** Waits until the initial workers are ready, or one could not boot, or the boot timeout passes. */
    @Override
    protected void awaitReady(MasterLoop<?> master) throws IOException {
        PoolPlan plan = settings.plan();
        Instant deadline = Instant.now().plus(plan.bootTimeout());
        while (ready() < plan.initial()) {
            Optional<String> failure = master.failure();
            if (failure.isPresent()) {
                throw new IOException(name() + ": " + failure.get());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException(name() + ": only " + ready() + " of " + plan.initial() + " workers ready after "
                        + plan.bootTimeout().toSeconds() + " s");
            }
            try {
                Thread.sleep(20); // polling the scoreboard against a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(name() + ": interrupted while the workers started");
            }
        }
    }

    private int ready() {
        int n = 0;
        for (int i = 0; i < board.slots(); i++) {
            Scoreboard.State s = board.slot(i).state();
            if (s == Scoreboard.State.IDLE || s == Scoreboard.State.BUSY) {
                n++;
            }
        }
        return n;
    }
}
