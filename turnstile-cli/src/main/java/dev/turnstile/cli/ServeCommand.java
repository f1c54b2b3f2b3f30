package dev.turnstile.cli;

import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code turnstile serve}: run the echo-uppercase service under a model until SIGINT or SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the notes' echo-uppercase service under a model until SIGINT/SIGTERM (a second signal forces).")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    ServerOptions server = new ServerOptions();

    @Option(names = "--drain", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "On stop, how long open connections may finish before they are closed; default: 10s.")
    Duration drain = Duration.ofSeconds(10);

    @Override
    public Integer call() throws Exception {
        Server s = server.builder().start();
        StopSignals signals = StopSignals.install();
        System.out.println("listening on " + s.address().getAddress().getHostAddress() + ":" + s.port()
                + " (model " + s.modelName() + ", framing " + s.config().framing().cliName() + ")");
        System.out.flush();
        signals.stopRequested().await();
        ShutdownReport report = s.stop(drain);
        StatsSnapshot st = s.snapshot();
        System.out.printf("stopped in %d ms: %d connections, %d messages; %d drained, %d forced%s%n",
                report.took().toMillis(), st.accepted(), st.messages(), report.drained(), report.forced(),
                report.stragglers().isEmpty() ? "" : ", " + report.stragglers().size() + " stragglers (see log)");
        return 0;
    }
}
