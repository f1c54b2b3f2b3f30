package dev.turnstile.cli;

import dev.turnstile.api.FramedService;
import dev.turnstile.api.Service;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;
import dev.turnstile.core.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code turnstile serve}: run a service (echo-uppercase by default) under a model until SIGINT or SIGTERM. */
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

    @Override
    public Integer call() throws Exception {
        Service chosen = Services.require(service).create();
        Server s = server.builder().service(chosen).start();
        StopSignals signals = StopSignals.install();
        System.out.println("listening on " + s.address().getAddress().getHostAddress() + ":" + s.port()
                + " (service " + service + ", model " + s.modelName() + (chosen instanceof FramedService f
                && f.framing().isPresent() ? "" : ", framing " + s.config().framing().cliName())
                + (s.config().tls() != null ? ", TLS" : "") + ")");
        System.out.flush();
        Thread.ofPlatform().daemon().name("turnstile-watch").start(() -> { // a model may also stop by itself
            try {
                s.awaitTermination();
            } catch (InterruptedException e) {
                return;
            }
            signals.stopRequested().countDown();
        });
        signals.stopRequested().await();
        if (s.failure().isPresent()) {
            s.stop(drain);
            System.err.println("turnstile: the server stopped by itself: " + s.failure().get());
            return 1;
        }
        ShutdownReport report = s.stop(drain);
        StatsSnapshot st = s.snapshot();
        System.out.printf("stopped in %d ms: %d connections, %d messages; %d drained, %d forced%s%n",
                report.took().toMillis(), st.accepted(), st.messages(), report.drained(), report.forced(),
                report.stragglers().isEmpty() ? "" : ", " + report.stragglers().size() + " stragglers (see log)");
        return 0;
    }
}
