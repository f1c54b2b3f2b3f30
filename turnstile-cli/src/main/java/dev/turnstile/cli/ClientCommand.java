package dev.turnstile.cli;

import dev.turnstile.api.Framing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    ConversationOptions conversation = new ConversationOptions(30, 5, Duration.ofSeconds(3)); // the notes' 30 clients

    @Option(names = "--framing", paramLabel = "raw|line", description = "raw: bare words as the notes (default); line: newline-terminated.")
    Framing framing = Framing.RAW;

    @Override
    public Integer call() throws InterruptedException {
        NotesClient.Summary summary = new NotesClient(host, port, conversation.clients, conversation.messages,
                conversation.thinkMax, framing, System.out).run();
        System.out.println(summary.line());
        return summary.ok() ? 0 : 1;
    }
}
