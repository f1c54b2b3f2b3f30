package dev.turnstile.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** How the notes' clients talk: how many, how many messages each, how long they pause. Shared by client and demo. */
final class ConversationOptions {

    @Option(names = "--clients", paramLabel = "N", description = "Concurrent clients; default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--messages", paramLabel = "N", description = "Messages per client; default: ${DEFAULT-VALUE}.")
    int messages;

    @Option(names = "--think-max", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest random pause before each message, such as 3s or 200ms.")
    Duration thinkMax;

    ConversationOptions(int clients, int messages, Duration thinkMax) {
        this.clients = clients;
        this.messages = messages;
        this.thinkMax = thinkMax;
    }
}
