package dev.turnstile.model.process;

import dev.turnstile.api.Framing;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.echo.EchoUppercase;
import dev.turnstile.posix.AcceptedSocket;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.HandOffLine;
import dev.turnstile.posix.ListenMode;
import dev.turnstile.posix.Listener;
import dev.turnstile.posix.Posix;
import dev.turnstile.posix.Processes;
import dev.turnstile.posix.Signal;
import dev.turnstile.posix.Spawn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A class-data archive for worker JVMs, so that each one maps the classes it needs from a file
 * instead of loading, verifying and linking them again: the largest part of a small JVM's start.
 *
 * <p><b>How it is made.</b> By a training run of a real worker: a worker JVM is started with the
 * archive-writing flag on a real loopback connection, answers a few messages, and writes the
 * archive when it exits; if that fails, workers start without one. The
 * file is named after everything that must match for the JVM to accept it (the JDK, the class
 * path's jars with their sizes and times, the JVM options and the main class), so a changed
 * jar makes a new archive rather than a rejected one. It is written to a temporary name and
 * moved into place, so concurrent masters never see half a file.
 *
 * <p><b>Kinds.</b> {@link Kind#APP_CDS} is the dynamic AppCDS archive (-XX:ArchiveClassesAtExit,
 * JDK 13+); {@link Kind#AOT_CACHE} is JDK 25's ahead-of-time cache (-XX:AOTCacheOutput, JEP 483
 * and 514), which also keeps classes linked. Only jars can be archived, so a class path with
 * directories (a build's target/classes) gets no archive and workers use the JDK's default one.
 *
 * <p><b>Thread-safety.</b> {@link #options()} may be called from any thread; {@link #train} by one
 * thread at a time (concurrent masters each train into a name of their own and the last move wins).
 */
public final class ClassDataArchive {

    private static final Logger log = LoggerFactory.getLogger(ClassDataArchive.class);
    private static final Duration TRAINING_LIMIT = Duration.ofSeconds(60);

    /** Which JDK mechanism writes and maps the archive. */
    public enum Kind {
        APP_CDS("-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile=", ".jsa"),
        AOT_CACHE("-XX:AOTCacheOutput=", "-XX:AOTCache=", ".aot");

        private final String writeFlag;
        private final String useFlag;
        private final String suffix;

        Kind(String writeFlag, String useFlag, String suffix) {
            this.writeFlag = writeFlag;
            this.useFlag = useFlag;
            this.suffix = suffix;
        }

        /** {@code off}, {@code appcds} or {@code aot}, as the {@code cds} option spells them. */
        public static Optional<Kind> parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "off" -> Optional.empty();
                case "appcds" -> Optional.of(APP_CDS);
                case "aot", "auto" -> Optional.of(AOT_CACHE);
                default -> throw new IllegalArgumentException("cds must be auto, aot, appcds or off (got '" + s + "')");
            };
        }
    }

    private final Kind kind;
    private final WorkerJvm jvm;
    private final Path file;
    private final ConnectionDelivery delivery;
    private volatile boolean ready;

    private ClassDataArchive(Kind kind, WorkerJvm jvm, Path file, ConnectionDelivery delivery) {
        this.kind = kind;
        this.jvm = jvm;
        this.file = file;
        this.delivery = delivery;
        this.ready = Files.isRegularFile(file);
    }

    /**
     * The archive for workers started as {@code jvm} with {@code main}, ready to use: the class
     * path's directories are packed into jars first (only jars can be archived), and a missing
     * archive is trained now, once for these jars; the first start with new jars takes a second
     * or two longer, and then every worker starts faster. Empty if {@code kind} is empty (off).
     * The workers must then be started with {@link #jvm()}, whose class path is the jars.
     */
    public static Optional<ClassDataArchive> prepare(Optional<Kind> kind, WorkerJvm jvm, Class<?> main,
                                                     ServerConfig config) throws IOException {
        return prepare(kind, jvm, main, config, ConnectionDelivery.STANDARD_INPUT);
    }

    /**
     * As above, for {@link ConnectionWorker}s that get their connection as {@code delivery} says:
     * a spare's archive is trained by a spare, which is handed its connection, so that what it
     * loads to take one (the native layer) is in the archive too. {@code jvm} must already carry
     * the delivery's options ({@link ConnectionDelivery#jvmOptions()}).
     */
    static Optional<ClassDataArchive> prepare(Optional<Kind> kind, WorkerJvm jvm, Class<?> main,
                                              ServerConfig config, ConnectionDelivery delivery) throws IOException {
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        Optional<ClassDataArchive> archive = of(kind.get(), jvm.withClassPath(ClassPathJars.jarred(jvm.classPath())), main,
                delivery);
        archive.filter(a -> !a.ready()).ifPresent(a -> {
            log.info("training a class-data archive for the worker JVMs (once for these jars)");
            a.train(config);
        });
        return archive;
    }

    /**
     * The archive for workers started as {@code jvm} with {@code main}, or empty when the class
     * path holds anything but jars (nothing could be archived).
     */
    public static Optional<ClassDataArchive> of(Kind kind, WorkerJvm jvm, Class<?> main) {
        return of(kind, jvm, main, ConnectionDelivery.STANDARD_INPUT);
    }

    private static Optional<ClassDataArchive> of(Kind kind, WorkerJvm jvm, Class<?> main, ConnectionDelivery delivery) {
        List<Path> jars = new ArrayList<>();
        for (String entry : jvm.classPath().split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!Files.isRegularFile(p) || !entry.endsWith(".jar")) {
                log.debug("no class-data archive for workers: class path entry {} is not a jar", entry);
                return Optional.empty();
            }
            jars.add(p);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "turnstile-" + System.getProperty("user.name"), "cds");
        String key = digest(kind, jvm, main, jars);
        return Optional.of(new ClassDataArchive(kind, jvm, dir.resolve(main.getSimpleName() + "-" + key + kind.suffix),
                delivery));
    }

    /** The options that make a worker use the archive: none until it is ready. */
    public List<String> options() {
        return ready ? List.of(kind.useFlag + file) : List.of();
    }

    public boolean ready() {
        return ready;
    }

    public Path file() {
        return file;
    }

    public Kind kind() {
        return kind;
    }

    /** The JVM the archive is for; workers must start as this one for the archive to apply. */
    public WorkerJvm jvm() {
        return jvm;
    }

    /**
     * Makes the archive, unless it exists, by running one {@link ConnectionWorker} with this
     * archive's JVM and the notes' service (line framing, which the trainer can read) on a real
     * connection; blocks until done. Failures are logged, and workers simply go on without an
     * archive. The archive then holds what every worker loads (the JDK's network and concurrency
     * classes, SLF4J, the core); classes of another main or service load as usual.
     */
    public void train(ServerConfig config) {
        if (ready) {
            return;
        }
        long started = System.nanoTime();
        Path temporary = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + System.nanoTime() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            ServiceSpec training = new ServiceSpec(EchoUppercase.class.getName(), config.withFraming(Framing.LINE)
                    .withTls(null).withProxyProtocol(ProxyProtocol.off())); // the trainer is the worker's direct, plaintext client
            runTrainingWorker(jvm.withOptions(List.of(kind.writeFlag + temporary)).command(ConnectionWorker.class,
                    ConnectionWorker.arguments(training, ProcessHandle.current().pid(), Optional.empty(), delivery)),
                    delivery);
            if (!Files.isRegularFile(temporary)) {
                log.warn("class-data training ran but wrote no {}; workers start without an archive", temporary);
                return;
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            ready = true;
            log.info("class-data archive for workers ready in {} ms: {}", (System.nanoTime() - started) / 1_000_000, file);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot make a class-data archive for workers ({}); they start without one", e.toString());
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // a stray temporary file in our own temp directory; the next training overwrites it
            }
        }
    }

    /** One worker, one connection, a few messages, then the worker's exit writes the archive. */
    private static void runTrainingWorker(List<String> command, ConnectionDelivery delivery) throws IOException {
        try (Processes processes = Posix.processes();
             Listener listener = Posix.listen(new InetSocketAddress("127.0.0.1", 0), 4, ListenMode.POLLED);
             Socket client = new Socket()) {
            client.connect(listener.localAddress(), 5_000);
            client.setSoTimeout(Math.toIntExact(TRAINING_LIMIT.toMillis()));
            int pid;
            try (AcceptedSocket connection = acceptWithin(processes, listener)) {
                if (delivery == ConnectionDelivery.HAND_OFF) {
                    pid = handOffToTrainee(processes, command, connection);
                } else {
                    pid = processes.spawn(Spawn.of(command).stdin(connection.fd()).stdout(connection.fd()));
                }
            }
            try {
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                for (String word : List.of("hello", "why not?", "are you sure")) {
                    out.write((word + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    for (int b = in.read(); b != '\n'; b = in.read()) { // read the reply through its newline
                        if (b < 0) {
                            throw new IOException("the training worker closed the connection before its reply");
                        }
                    }
                }
                client.shutdownOutput();
                while (in.read() >= 0) {
                    // until the worker closes
                }
            } finally {
                ExitStatus status = awaitExit(processes, pid);
                if (!status.success()) {
                    throw new IOException("training worker " + ExitCodes.describe(status));
                }
            }
        }
    }

    /** Starts the training worker as a spare, waits until it is ready, and hands it the connection. */
    private static int handOffToTrainee(Processes processes, List<String> command, AcceptedSocket connection)
            throws IOException {
        try (HandOffLine line = HandOffLine.open()) {
            int pid = processes.spawn(Spawn.of(command).stdin(line.childEnd()));
            line.closeChildEnd();
            long deadline = System.nanoTime() + TRAINING_LIMIT.toNanos();
            while (!line.ready()) {
                if (!line.awaitingReady() || System.nanoTime() > deadline) {
                    processes.signal(pid, Signal.KILL);
                    throw new IOException("the training spare " + ExitCodes.describe(awaitExit(processes, pid))
                            + " before it was ready");
                }
                processes.await(Duration.ofMillis(200), line.fd());
            }
            line.handOff(connection);
            return pid;
        }
    }

    private static AcceptedSocket acceptWithin(Processes processes, Listener listener) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            processes.await(Duration.ofMillis(100), listener.fd());
            AcceptedSocket s = listener.accept();
            if (s != null) {
                return s;
            }
        }
        throw new IOException("the training connection was not accepted");
    }

    /** Waits for the training worker (it writes the archive as it exits), killing it past the limit. */
    private static ExitStatus awaitExit(Processes processes, int pid) throws IOException {
        long deadline = System.nanoTime() + TRAINING_LIMIT.toNanos();
        while (true) {
            Optional<ExitStatus> status = processes.reap(pid);
            if (status.isPresent()) {
                return status.get();
            }
            if (System.nanoTime() > deadline) {
                processes.signal(pid, Signal.KILL);
                deadline = Long.MAX_VALUE;
            }
            processes.await(Duration.ofMillis(200), -1);
        }
    }

    private static String digest(Kind kind, WorkerJvm jvm, Class<?> main, List<Path> jars) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            StringBuilder sb = new StringBuilder(kind.name()).append('\n')
                    .append(System.getProperty("java.home")).append('\n')
                    .append(Runtime.version()).append('\n')
                    .append(main.getName()).append('\n')
                    .append(String.join(" ", jvm.command(main, List.of()))).append('\n');
            for (Path jar : jars) {
                sb.append(jar.toAbsolutePath()).append(' ').append(Files.size(jar)).append(' ')
                        .append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
            }
            return HexFormat.of().formatHex(sha.digest(sb.toString().getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot name the class-data archive: " + e, e);
        }
    }
}
