package dev.turnstile.cli;

import dev.turnstile.api.Framing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code turnstile client}: the notes' clients, checking every reply; non-zero exit on any failure. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "The notes' client: random words with random pauses; every reply checked. Exit 1 if any is wrong or missing.")
final class ClientCommand implements Callable<Integer> {

    @Option(names = "--host", paramLabel = "HOST", description = "Server address; default: ${DEFAULT-VALUE}.")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Server port; default: ${DEFAULT-VALUE}.")
    int port = 20446;

    @Option(names = "--clients", paramLabel = "N", description = "Concurrent clients; default: ${DEFAULT-VALUE}.")
    int clients = 30;

    @Option(names = "--messages", paramLabel = "N", description = "Messages per client; default: ${DEFAULT-VALUE}.")
    int messages = 5;

    @Option(names = "--think-max", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest random pause before each message; default: 3s.")
    Duration thinkMax = Duration.ofSeconds(3);

    @Option(names = "--framing", paramLabel = "raw|line", description = "raw: bare words as the notes (default); line: newline-terminated.")
    Framing framing = Framing.RAW;

    @Override
    public Integer call() throws InterruptedException {
        NotesClient.Summary summary = new NotesClient(host, port, clients, messages, thinkMax, framing, System.out).run();
        System.out.println(summary.line());
        return summary.ok() ? 0 : 1;
    }
}
