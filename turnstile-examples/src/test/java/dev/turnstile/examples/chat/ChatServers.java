package dev.turnstile.examples.chat;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;
import dev.turnstile.core.Server;
import dev.turnstile.testing.RunningServer;

import java.util.function.Consumer;
import java.util.stream.Stream;

/** Starts a chat server for a test, under each model that runs connections in this process. */
final class ChatServers {

    /** Pools big enough that every member of a test is served at once (a blocking member holds a worker). */
    static final ModelOptions OPTIONS = ModelOptions.none().withWorkers(300).withMinWorkers(1).withMaxWorkers(300);

    private ChatServers() {
    }

    /** Every model that serves connections in this process: those can share one room. */
    static Stream<String> inProcessModels() {
        return Models.all().stream().filter(p -> !p.servesInOtherProcesses()).map(ModelProvider::name);
    }

    /** The models that serve connections in worker processes: they must refuse the chat. */
    static Stream<String> processModels() {
        return Models.all().stream().filter(ModelProvider::servesInOtherProcesses).map(ModelProvider::name);
    }

    static RunningServer start(String model, Chat chat) {
        return start(model, chat, b -> { });
    }

    static RunningServer start(String model, Chat chat, Consumer<Server.Builder> more) {
        return RunningServer.start(model, OPTIONS, b -> {
            b.service(chat).acceptBacklog(1024);
            more.accept(b);
        });
    }
}
