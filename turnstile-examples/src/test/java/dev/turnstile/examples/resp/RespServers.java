package dev.turnstile.examples.resp;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;
import dev.turnstile.core.Server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Stream;

/** Starts the resp service under a model on loopback port 0, for the tests. */
final class RespServers {

    private RespServers() {
    }

    /** Every model that runs connections in this process, so can share one store. */
    static Stream<String> sharedStateModels() {
        return Models.all().stream().filter(p -> !p.servesInOtherProcesses()).map(ModelProvider::name);
    }

    static Server start(String model, RespService service) {
        try {
            return Server.builder().model(model).service(service).host("127.0.0.1").port(0).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
