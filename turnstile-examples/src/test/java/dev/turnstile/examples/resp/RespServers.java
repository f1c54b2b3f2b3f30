package dev.turnstile.examples.resp;

import dev.turnstile.core.Server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Stream;

/** Starts the resp service under a model on loopback port 0, for the tests. */
final class RespServers {

    private RespServers() {
    }

    /** The models that run connections in this process, so can share one store. */
    static Stream<String> sharedStateModels() {
        return Stream.of("event-loop", "multi-loop", "thread-pool", "virtual-threads", "loop-with-workers");
    }

    static Server start(String model, RespService service) {
        try {
            return Server.builder().model(model).service(service).host("127.0.0.1").port(0).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
