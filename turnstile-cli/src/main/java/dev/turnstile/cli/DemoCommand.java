package dev.turnstile.cli;

import dev.turnstile.admin.AdminServer;
import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.Framing;
import dev.turnstile.api.PoolEvent;
import dev.turnstile.api.ServerListener;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Models;
import dev.turnstile.core.Server;
import dev.turnstile.echo.EchoUppercase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code turnstile demo}: the notes' experiment in one command. Starts a server in-process,
 * runs the notes' clients against it, prints the interleaved transcript, stops gracefully and
 * prints a table per worker and the clients' summary. The status page's address is printed first
 * (an admin endpoint on a free loopback port), so the experiment can be watched in a browser. Exit 1 if any reply was wrong or missing
 * or the stop had to force anything.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The notes' experiment: a server, clients with random words and pauses, the transcript and a summary.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server = new ServerOptions();

    @Mixin
    ConversationOptions conversation = new ConversationOptions(9, 5, Duration.ofSeconds(1)); // about 10 s with 3 workers

    @Option(names = "--client-framing", paramLabel = "raw|line", description = "How the clients talk: raw as the notes (default) or line.")
    Framing clientFraming = Framing.RAW;

    @Option(names = "--drain", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Drain time for the final stop; default: 10s.")
    Duration drain = Duration.ofSeconds(10);

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (!spec.commandLine().getParseResult().hasMatchedOption("--port")) {
            server.port = 0; // the demo takes any free port unless told otherwise
        }
        if (server.workers == null) {
            server.workers = 3; // the notes' "create 3 workers"
        }
        // worker processes create the service by its class name, so it cannot be wrapped: they are
        // shown serving each connection instead, as the notes' thread pool prints "i serving peer"
        boolean otherProcesses = Models.require(server.model).servesInOtherProcesses();
        Server s = server.builder()
                .service(otherProcesses ? new EchoUppercase() : new TranscriptService(new EchoUppercase(), out))
                .listener(new ServerListener() {
                    @Override
                    public void connectionOpened(ConnectionInfo c) {
                        if (otherProcesses) {
                            out.println(c.worker() + " serving " + c.peer());
                        }
                    }

                    @Override
                    public void connectionClosed(ConnectionInfo c, CloseReason reason) {
                        out.println(c.peer() + " closing (" + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")");
                    }

                    @Override
                    public void poolResized(PoolEvent e) {
                        out.println("pool: " + e.reason());
                    }
                })
                .start();
        out.printf("turnstile demo: model %s on %s:%d; %d clients x %d messages, pauses up to %d ms%n",
                s.modelName(), s.address().getAddress().getHostAddress(), s.port(), conversation.clients, conversation.messages,
                conversation.thinkMax.toMillis());
        AdminServer admin = AdminOptions.startOn("127.0.0.1", 0, s, server.settings("echo-uppercase"), out); // watch it live
        NotesClient.Summary summary;
        ShutdownReport report;
        try {
            summary = new NotesClient("127.0.0.1".equals(server.host) || "0.0.0.0".equals(server.host) ? "127.0.0.1" : server.host,
                    s.port(), conversation.clients, conversation.messages, conversation.thinkMax, clientFraming, out).run();
        } finally {
            report = s.stop(drain);
            admin.close();
        }
        StatsSnapshot st = s.snapshot();
        out.println();
        out.printf("%-22s %12s %10s%n", "worker", "connections", "messages");
        for (StatsSnapshot.Worker w : st.workers()) {
            out.printf("%-22s %12d %10d%n", w.name(), w.connections(), w.messages());
        }
        out.printf("%-22s %12d %10d%n", "total", st.accepted(), st.messages());
        out.println();
        out.println(summary.line());
        out.printf("server: stopped in %d ms, %d forced%s%n", report.took().toMillis(), report.forced(),
                report.stragglers().isEmpty() ? "" : ", " + report.stragglers().size() + " stragglers");
        boolean ok = summary.ok() && report.clean();
        out.println(ok ? "result: OK" : "result: FAILED");
        return ok ? 0 : 1;
    }
}
