package dev.turnstile.cli;

import dev.turnstile.api.FramedService;
import dev.turnstile.api.ListenOn;
import dev.turnstile.api.Service;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;
import dev.turnstile.core.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code turnstile serve}: run a service (echo-uppercase by default) under a model until SIGINT or
 * SIGTERM. Under systemd it serves the socket systemd passed and says when it is ready
 * ({@link SocketSource}, {@link SystemdNotifier}); {@code --pid-file} for scripts ({@link PidFile}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a service (the notes' echo-uppercase by default) under a model until SIGINT/SIGTERM (a second signal forces).")
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
            description = "Write the server's pid here once it listens, remove it at a clean stop; refuse to start if it names a running turnstile.")
    Path pidFile;

    @Override
    public Integer call() throws Exception {
        Map<String, String> environment = System.getenv();
        long pid = ProcessHandle.current().pid();
        Optional<PidFile> pids = pidFile == null ? Optional.empty() : Optional.of(PidFile.claim(pidFile, pid));
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment(environment, pid);
        ListenOn listenOn = SocketSource.settle(environment, pid, inheritStdin, Optional.ofNullable(socketName));
        Service chosen = Services.require(service).create();
        try (ServerInstruments instruments = ServerInstruments.of(server)) {
            Server s = instruments.attachTo(server.builder()).service(chosen).listenOn(listenOn).start();
            instruments.bind(s); // the admin server (--admin-port) mounts instruments.metrics(s).endpoint() at /metrics
            return serve(s, chosen, listenOn, pids, notifier);
        } // after the stop: the access log is flushed, the MBeans go
    }

    private int serve(Server s, Service chosen, ListenOn listenOn, Optional<PidFile> pids, SystemdNotifier notifier)
            throws Exception {
        StopSignals signals = StopSignals.install();
        System.out.println("listening on " + s.address().getAddress().getHostAddress() + ":" + s.port()
                + " (service " + service + ", model " + s.modelName() + (chosen instanceof FramedService f
                && f.framing().isPresent() ? "" : ", framing " + s.config().framing().cliName())
                + (s.config().tls() != null ? ", TLS" : "")
                + (listenOn == ListenOn.STANDARD_INPUT ? ", inherited socket" : "") + ")");
        System.out.flush();
        if (pids.isPresent()) {
            pids.get().write();
        }
        notifier.ready(s);
        Thread.ofPlatform().daemon().name("turnstile-watch").start(() -> { // a model may also stop by itself
            try {
                s.awaitTermination();
            } catch (InterruptedException e) {
                return;
            }
            signals.stopRequested().countDown();
        });
        signals.stopRequested().await();
        notifier.stopping();
        if (s.failure().isPresent()) {
            s.stop(drain);
            stopped(pids, notifier);
            System.err.println("turnstile: the server stopped by itself: " + s.failure().get());
            return 1;
        }
        ShutdownReport report = s.stop(drain);
        stopped(pids, notifier);
        StatsSnapshot st = s.snapshot();
        System.out.printf("stopped in %d ms: %d connections, %d messages; %d drained, %d forced%s%n",
                report.took().toMillis(), st.accepted(), st.messages(), report.drained(), report.forced(),
                report.stragglers().isEmpty() ? "" : ", " + report.stragglers().size() + " stragglers (see log)");
        return 0;
    }

    /** After the stop: the pid file goes (if it still names us), the notifier's timer and socket close. */
    private static void stopped(Optional<PidFile> pids, SystemdNotifier notifier) throws java.io.IOException {
        notifier.close();
        if (pids.isPresent()) {
            pids.get().remove();
        }
    }
}
