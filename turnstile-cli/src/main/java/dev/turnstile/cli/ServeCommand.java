package dev.turnstile.cli;

import dev.turnstile.api.FramedService;
import dev.turnstile.api.ListenOn;
import dev.turnstile.api.Service;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;
import dev.turnstile.core.Services;
import dev.turnstile.posix.ListeningDescriptors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code turnstile serve}: run a service (echo-uppercase by default) under a model until SIGINT or
 * SIGTERM. Under systemd it serves the socket systemd passed and says when it is ready
 * ({@link SocketSource}, {@link SystemdNotifier}); {@code --pid-file} for scripts ({@link PidFile}).
 * SIGUSR2 upgrades it without a gap ({@link UpgradeSignal}, {@link Upgrade}): a new copy of this
 * server starts on the same socket and, once it is ready, this one stops accepting, drains and
 * exits; a server started that way ({@link Predecessor}) serves the socket on its standard input.
 * Every option may also come from {@code TURNSTILE_*} variables and a {@code --config} file
 * ({@link SettingSources}); {@code --print-config} shows where each came from
 * ({@link EffectiveSettings}); SIGHUP reads them again and hands the model what it can apply
 * ({@link ConfigReload}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a service (the notes' echo-uppercase by default) under a model until SIGINT/SIGTERM (a second signal forces); "
                + "SIGUSR2 upgrades it without a gap (a new copy on the same socket, then this one drains and exits).")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    ServerOptions server = new ServerOptions();

    @Option(names = "--service", paramLabel = "NAME",
            description = "The service to run (see 'turnstile services'); default: ${DEFAULT-VALUE}.")
    String service = Services.DEFAULT;

    @Option(names = "--drain", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "On stop, how long open connections may finish before they are closed; default: 10s.")
    Duration drain = Duration.ofSeconds(10);

    @Option(names = "--inherit-stdin",
            description = "Serve the listening socket on standard input (inetd 'wait' style) instead of binding --host/--port.")
    boolean inheritStdin;

    @Option(names = "--socket-name", paramLabel = "NAME",
            description = "With several sockets passed by systemd (LISTEN_FDS), serve the one with this name (LISTEN_FDNAMES); "
                    + "default: the only one, else the one named 'turnstile'.")
    String socketName;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "Write the server's pid here once it listens, remove it at a clean stop; refuse to start if it names a running turnstile. "
                    + "After an upgrade (SIGUSR2) the new server rewrites it.")
    Path pidFile;

    @Option(names = "--upgrade-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "On SIGUSR2 (upgrade without a gap), how long the new copy may take to be ready before it is "
                    + "stopped and this server goes on serving; default: 60s.")
    Duration upgradeTimeout = Duration.ofSeconds(60);

    @Option(names = "--config", paramLabel = "FILE",
            description = "Read settings from this file: 'key = value' lines, keys the long options without dashes (max-connections = 100), "
                    + "# comments. TURNSTILE_* variables (TURNSTILE_MAX_CONNECTIONS=100) win over the file, the command line over both; "
                    + "default: $TURNSTILE_CONFIG, else none.")
    Path config;

    @Option(names = "--print-config",
            description = "Print every setting, its value and where it came from (default, file, env, command line), and exit without serving.")
    boolean printConfig;

    @Spec
    CommandSpec spec;

    /** The file and environment behind this command's defaults; set by {@link Turnstile#commandLine}. */
    SettingSources sources = new SettingSources(Map.of(), () -> null);

    /** The settings as parsed, with their origins. */
    EffectiveSettings settings() {
        return EffectiveSettings.of(spec, sources, spec.commandLine().getParseResult());
    }

    @Mixin
    AdminOptions admin = new AdminOptions();

    @Override
    public Integer call() throws Exception {
        sources.check(spec);
        if (printConfig) {
            settings().print(System.out);
            System.out.flush();
            return 0;
        }
        Map<String, String> environment = System.getenv();
        long pid = ProcessHandle.current().pid();
        Optional<Predecessor> predecessor = Predecessor.fromEnvironment(environment);
        Optional<PidFile> pids = pidFile == null ? Optional.empty()
                : Optional.of(PidFile.claim(pidFile, pid, predecessor.map(Predecessor::pid)));
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment(environment, pid);
        ConfigReload reloads = ConfigReload.install(spec.root().commandLine().getParseResult().originalArgs(),
                sources.environment(), notifier, drain);
        ListenOn listenOn = predecessor.isPresent() // the predecessor's socket is on our standard input
                ? SocketSource.settle(Map.of(), pid, true, Optional.empty())
                : SocketSource.settle(environment, pid, inheritStdin, Optional.ofNullable(socketName));
        Service chosen = Services.require(service).create();
        Server s = server.builder().service(chosen).listenOn(listenOn).start();
        StopSignals signals = StopSignals.install();
        UpgradeSignal.install(new Upgrade(environment, pid, () -> listeningDescriptor(listenOn, s), upgradeTimeout),
                signals::handOver);
        System.out.println("listening on " + s.address().getAddress().getHostAddress() + ":" + s.port()
                + " (service " + service + ", model " + s.modelName() + (chosen instanceof FramedService f
                && f.framing().isPresent() ? "" : ", framing " + s.config().framing().cliName())
                + (s.config().tls() != null ? ", TLS" : "")
                + (listenOn == ListenOn.STANDARD_INPUT ? ", inherited socket" : "") + ")");
        System.out.flush();
        AdminEndpoint adminServer;
        try {
            adminServer = AdminEndpoint.start(admin, s, server.settings(service), predecessor.isPresent());
            if (pids.isPresent()) {
                pids.get().write();
            }
            notifier.ready(s);
            if (predecessor.isPresent()) {
                predecessor.get().ready(pid);
            }
        } catch (IOException | RuntimeException e) {
            s.stop(drain); // what it accepted meanwhile is answered; in an upgrade, the predecessor goes on serving
            throw e;
        }
        reloads.serving(s, settings());
        Thread.ofPlatform().daemon().name("turnstile-watch").start(() -> { // a model may also stop by itself
            try {
                s.awaitTermination();
            } catch (InterruptedException e) {
                return;
            }
            signals.stopRequested().countDown();
        });
        signals.stopRequested().await();
        Optional<Upgrade.Successor> successor = signals.successor();
        if (successor.isPresent()) {
            notifier.handedOver();
        } else {
            notifier.stopping();
        }
        adminServer.close();
        if (s.failure().isPresent()) {
            s.stop(reloads.drain());
            stopped(pids, notifier);
            System.err.println("turnstile: the server stopped by itself: " + s.failure().get());
            return 1;
        }
        ShutdownReport report = s.stop(reloads.drain());
        stopped(pids, notifier);
        StatsSnapshot st = s.snapshot();
        System.out.printf("stopped in %d ms: %d connections, %d messages; %d drained, %d forced%s%s%n",
                report.took().toMillis(), st.accepted(), st.messages(), report.drained(), report.forced(),
                report.stragglers().isEmpty() ? "" : ", " + report.stragglers().size() + " stragglers (see log)",
                successor.map(n -> "; upgraded to pid " + n.pid()).orElse(""));
        return 0;
    }

    /**
     * The descriptor of the socket {@code s} listens on, to hand to an upgrade's new copy: 0 when it
     * was inherited, else the one socket the model bound on its port.
     *
     * @throws IOException when there is no such single socket in this process: process-pool with
     *                     {@code --balance reuseport} keeps its sockets in the workers
     */
    private static int listeningDescriptor(ListenOn listenOn, Server s) throws IOException {
        if (listenOn == ListenOn.STANDARD_INPUT) {
            return 0;
        }
        List<Integer> fds = ListeningDescriptors.onPort(s.port());
        if (fds.isEmpty()) {
            throw new IOException("this process has no socket listening on port " + s.port() + " to hand on (with "
                    + "--balance reuseport the pool's workers hold the sockets: upgrade needs --balance shared)");
        }
        if (fds.size() > 1) {
            System.err.println("turnstile: upgrade: " + fds.size() + " SO_REUSEPORT sockets listen on port " + s.port()
                    + "; the new copy gets one (descriptor " + fds.getFirst() + ") and shares it among its loops; "
                    + "connections queued on the others when they close are reset (use --accept round-robin, "
                    + "or set net.ipv4.tcp_migrate_req=1, for an upgrade without a gap)");
        }
        ListeningDescriptors.requireListening(fds.getFirst());
        return fds.getFirst();
    }

    /** After the stop: the pid file goes (if it still names us), the notifier's timer and socket close. */
    private static void stopped(Optional<PidFile> pids, SystemdNotifier notifier) throws java.io.IOException {
        notifier.close();
        if (pids.isPresent()) {
            pids.get().remove();
        }
    }
}
