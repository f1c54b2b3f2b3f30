package dev.turnstile.model.process;

import dev.turnstile.api.Framing;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.ServerContext;
import dev.turnstile.api.ServerModel;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.core.Lifecycle;
import dev.turnstile.echo.EchoUppercase;
import dev.turnstile.posix.ListenMode;
import dev.turnstile.posix.Listener;
import dev.turnstile.posix.Posix;
import dev.turnstile.posix.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;

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
public final class ProcessPerConnection implements ServerModel {

    private static final Logger log = LoggerFactory.getLogger(ProcessPerConnection.class);

    /** Settings read from the options; see {@link ProcessPerConnectionProvider}. */
    public record Settings(int maxChildren, Optional<List<String>> exec, WorkerJvm jvm,
                           Optional<ClassDataArchive.Kind> archive) {
        public Settings {
            if (maxChildren < 1) {
                throw new IllegalArgumentException("max-children must be >= 1 (got " + maxChildren + ")");
            }
            Objects.requireNonNull(exec, "exec");
            Objects.requireNonNull(jvm, "jvm");
            Objects.requireNonNull(archive, "archive");
        }
    }

    private final Settings settings;
    private final Lifecycle lifecycle = new Lifecycle();
    private volatile ConnectionMaster master;
    private volatile InetSocketAddress localAddress;
    private volatile String failure;

    public ProcessPerConnection(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return "process-per-connection";
    }

    @Override
    public void start(ServerContext context) throws IOException {
        lifecycle.start();
        ServerConfig config = context.config();
        Listener listener = null;
        Processes processes = null;
        Scoreboard board = null;
        try {
            ServiceSpec spec = settings.exec().isPresent() ? null : ServiceSpec.of(context.service(), config, name());
            listener = Posix.listen(new InetSocketAddress(config.host(), config.port()), config.acceptBacklog(), ListenMode.POLLED);
            localAddress = listener.localAddress();
            board = Scoreboard.create(Scoreboard.fileFor(localAddress.getPort()), settings.maxChildren(), Posix.pid(),
                    localAddress.getPort(), name(), 1);
            Path boardFile = board.file();
            ChildCommand command = settings.exec().isPresent() ? new ExecChild(settings.exec().get())
                    : serviceChild(spec, config, boardFile);
            processes = Posix.processes();
            master = new ConnectionMaster(name(), listener, command, settings.maxChildren(), context.stats(), board,
                    processes, Clock.systemUTC(), why -> failure = why, () -> lifecycle.advanceTo(Lifecycle.State.STOPPED));
            Thread.ofPlatform().name("turnstile-master-" + localAddress.getPort()).start(master);
            log.info("{} on {}: {}, at most {} at once", name(), localAddress, command.describe(), settings.maxChildren());
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
            lifecycle.advanceTo(Lifecycle.State.STOPPED);
            throw e;
        }
    }

    /**
     * A JVM per connection. With an archive, the class path's directories are packed into jars
     * first (only jars can be archived), and the archive is trained now if missing: the first
     * start with new jars takes a second or two longer, and then every child starts faster.
     */
    private ServiceChild serviceChild(ServiceSpec spec, ServerConfig config, Path boardFile) throws IOException {
        WorkerJvm jvm = settings.archive().isPresent()
                ? settings.jvm().withClassPath(ClassPathJars.jarred(settings.jvm().classPath())) : settings.jvm();
        Optional<ClassDataArchive> archive = settings.archive()
                .flatMap(kind -> ClassDataArchive.of(kind, jvm, ConnectionWorker.class));
        ServiceChild child = new ServiceChild(jvm, archive, spec, Posix.pid(), Optional.of(boardFile));
        archive.filter(a -> !a.ready()).ifPresent(a -> {
            // once per set of jars: trained on the notes' service with line framing, whose replies the trainer can read
            log.info("{}: training a class-data archive for the worker JVMs (once for these jars)", name());
            ServiceSpec training = new ServiceSpec(EchoUppercase.class.getName(), config.withFraming(Framing.LINE));
            a.train(options -> child.command(training, options, -1));
        });
        return child;
    }

    @Override
    public InetSocketAddress localAddress() {
        if (localAddress == null) {
            throw new IllegalStateException("not started");
        }
        return localAddress;
    }

    @Override
    public ShutdownReport shutdown(Duration grace) {
        ConnectionMaster m = master;
        if (m == null) {
            lifecycle.advanceTo(Lifecycle.State.STOPPED);
            return new ShutdownReport(Duration.ZERO, 0, 0, List.of());
        }
        lifecycle.advanceTo(Lifecycle.State.DRAINING);
        m.requestStop(grace);
        try {
            return m.report().join();
        } catch (CompletionException e) {
            return new ShutdownReport(Duration.ZERO, 0, 0, List.of("master failed: " + e.getCause()));
        }
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        lifecycle.awaitStopped();
    }

    /** Children running now. */
    public int children() {
        ConnectionMaster m = master;
        return m == null ? 0 : m.childCount();
    }

    /** Why the master stopped by itself, if it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }
}
