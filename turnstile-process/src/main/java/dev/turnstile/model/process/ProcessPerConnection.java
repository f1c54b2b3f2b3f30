package dev.turnstile.model.process;

import dev.turnstile.api.ListenOn;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.ServerContext;
import dev.turnstile.core.AcceptLimits;

import dev.turnstile.posix.ListenMode;
import dev.turnstile.posix.Listener;
import dev.turnstile.posix.Posix;
import dev.turnstile.posix.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Process per connection, the notes' {@code accept(); Process(target=service).start(); ns.close()}:
 * a master thread accepts and starts a child process per connection, either a JVM running the
 * configured service ({@link ConnectionWorker}) or, with {@code --exec}, any program, as
 * tcpserver does. See {@link ConnectionMaster} for the loop and {@link MasterLoop} for stopping.
 *
 * <p>A stop closes the listener, lets children finish their conversations until the drain time
 * ends, then sends SIGTERM (a JVM child closes its connection within a second) and SIGKILL two
 * seconds later; the report names what needed killing. Thread-safe: {@link #shutdown} from any
 * thread, any number of times.
 */
public final class ProcessPerConnection extends MasterModel {

    private static final Logger log = LoggerFactory.getLogger(ProcessPerConnection.class);

    /**
     * Settings read from the options; see {@link ProcessPerConnectionProvider}.
     *
     * @param spares JVM children started ahead of demand, each waiting for one connection (0: none);
     *               they count in {@code maxChildren}, and {@code exec} programs cannot be spares
     */
    public record Settings(int maxChildren, Optional<List<String>> exec, WorkerLaunch workers, int spares) {
        public Settings {
            if (maxChildren < 1) {
                throw new IllegalArgumentException("max-children must be >= 1 (got " + maxChildren + ")");
            }
            Objects.requireNonNull(exec, "exec");
            Objects.requireNonNull(workers, "workers");
            if (spares < 0) {
                throw new IllegalArgumentException("spares must be >= 0 (got " + spares + ")");
            }
            if (spares > maxChildren) {
                throw new IllegalArgumentException("spares must be <= max-children, which bounds spares and serving"
                        + " children together (got " + spares + " > " + maxChildren + ")");
            }
            if (spares > 0 && exec.isPresent()) {
                throw new IllegalArgumentException("--spares cannot start --exec programs ahead of demand: a program"
                        + " gets its connection as stdin and stdout when it starts, and has no way to be handed one"
                        + " later; spares are JVM workers (drop --exec), or use --spares 0");
            }
        }

        public Settings(int maxChildren, Optional<List<String>> exec, WorkerLaunch workers) {
            this(maxChildren, exec, workers, 0);
        }
    }

    private final Settings settings;
    private volatile ServerContext context;       // set in launch, for reloads
    private volatile ConnectionMaster master;     // set in launch
    private volatile ChildCommand command;        // the latest (start or last reload)
    private volatile ConnectionMaster.Spares spares = ConnectionMaster.Spares.none(); // the latest, likewise

    public ProcessPerConnection(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return "process-per-connection";
    }

    @Override
    protected Launched launch(ServerContext context) throws IOException {
        ServerConfig config = context.config();
        if (settings.exec().isPresent() && config.tls() != null) {
            throw new IllegalArgumentException("--exec children cannot serve TLS: the socket is the program's stdin"
                    + " and stdout, so the program would have to speak TLS itself; run a JVM service under"
                    + " process-per-connection (its children terminate TLS), or put a TLS proxy in front");
        }
        Listener listener = null;
        Processes processes = null;
        Scoreboard board = null;
        try {
            if (settings.exec().isPresent() && config.proxyProtocol().enabled()) {
                throw new IllegalArgumentException(name() + " --exec cannot serve the PROXY protocol: the program reads"
                        + " the socket itself, header and all, and the master does not read it for the program; run"
                        + " the JVM workers (no --exec) or any other model with --proxy-protocol");
            }
            ServiceSpec.refusePerSourceLimitsBehindProxy(config, name());
            ServiceSpec spec = settings.exec().isPresent() ? null : ServiceSpec.of(context.service(), config, name());
            listener = context.listenOn() == ListenOn.STANDARD_INPUT ? Posix.inheritedListener(ListenMode.POLLED)
                    : Posix.listen(new InetSocketAddress(config.host(), config.port()), config.acceptBacklog(), ListenMode.POLLED);
            InetSocketAddress local = listener.localAddress();
            board = Scoreboard.create(Scoreboard.fileFor(local.getPort()), settings.maxChildren(), Posix.pid(),
                    local.getPort(), name(), 1, config.limits()); // the limits for the status page: the master applies them
            ChildCommand command = settings.exec().isPresent() ? new ExecChild(settings.exec().get())
                    : serviceChild(spec, config, board, ConnectionDelivery.STANDARD_INPUT);
            ConnectionMaster.Spares spares = settings.spares() == 0 ? ConnectionMaster.Spares.none()
                    : new ConnectionMaster.Spares(settings.spares(), serviceChild(spec, config, board, ConnectionDelivery.HAND_OFF));
            processes = Posix.processes();
            ConnectionMaster master = new ConnectionMaster(name(), listener, command, spares, settings.maxChildren(),
                    config.acceptBacklog(), context.stats(), new AcceptLimits(config.limits(), context.stats(), name()),
                    board, processes, Clock.systemUTC());
            log.info("{} on {}: {}, at most {} at once{}", name(), local, command.describe(), settings.maxChildren(),
                    settings.spares() == 0 ? "" : ", " + settings.spares() + " spares started ahead ("
                            + spares.command().describe() + ")");
            this.context = context;
            this.master = master;
            this.command = command;
            this.spares = spares;
            return new Launched(local, master);
        } catch (IOException | RuntimeException | Error e) {
            if (listener != null) {
                listener.close();
            }
            if (processes != null) {
                processes.close();
            }
            if (board != null) {
                board.delete();
            }
            throw e;
        }
    }

    /**
     * Children started from now on serve with {@code config} (framing, message size, timeouts,
     * TLS files read afresh by each child); each running child finishes its connection as it
     * began, which is the rolling replacement of this model. The master's connection limits,
     * {@code --max-children}, the PROXY settings and an {@code --exec} command stay those of the start.
     */
    @Override
    public CompletableFuture<String> reload(ServerConfig config, ModelOptions options) {
        ConnectionMaster m = master;
        if (m == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(name() + " is not running"));
        }
        if (!(command instanceof ServiceChild c)) {
            return CompletableFuture.completedFuture(name() + " --exec: each connection's program starts as given at start;"
                    + " nothing changed");
        }
        try {
            ServerConfig kept = config.withLimits(c.spec().config().limits()).withProxyProtocol(c.spec().config().proxyProtocol())
                    .withPort(c.spec().config().port());
            ServiceSpec spec = ServiceSpec.of(context.service(), kept, name());
            ServiceChild next = new ServiceChild(c.jvm(), c.archive(), spec, c.masterPid(), c.board(), c.delivery());
            ConnectionMaster.Spares nextSpares = spares.count() == 0 ? spares : new ConnectionMaster.Spares(spares.count(),
                    new ServiceChild(spares.command().jvm(), spares.command().archive(), spec, c.masterPid(), c.board(),
                            spares.command().delivery()));
            command = next;
            spares = nextSpares;
            CompletableFuture<String> done = new CompletableFuture<>();
            m.requestReload(() -> {
                m.use(next, nextSpares);
                done.complete("connections from now on get children with the new settings (and spares started from now"
                        + " on); open ones, and spares already waiting, finish as they began");
            });
            return done;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A JVM per connection, with a class-data archive unless that is off ({@link ClassDataArchive#prepare});
     * a spare's JVM has native access, and so an archive of its own.
     */
    private ServiceChild serviceChild(ServiceSpec spec, ServerConfig config, Scoreboard board,
                                      ConnectionDelivery delivery) throws IOException {
        WorkerLaunch workers = settings.workers();
        WorkerJvm base = workers.jvm().withOptions(delivery.jvmOptions());
        Optional<ClassDataArchive> archive = ClassDataArchive.prepare(workers.archive(), base,
                ConnectionWorker.class, config, delivery);
        WorkerJvm jvm = archive.map(ClassDataArchive::jvm).orElse(base);
        return new ServiceChild(jvm, archive, spec, Posix.pid(), board, delivery);
    }
}
