package dev.turnstile.model;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.stream.Stream;

/**
 * The {@link ConnectionLimitsContract} over every model that serves in this JVM; the models that
 * serve in other processes keep it in {@code dev.turnstile.model.process.ProcessConnectionLimitsTest}.
 */
@Timeout(120)
class ConnectionLimitsTest extends ConnectionLimitsContract {

    static Stream<String> models() {
        String only = System.getProperty("turnstile.test.models", ""); // a comma-separated subset, while developing
        return Models.all().stream().filter(p -> !p.servesInOtherProcesses()).map(ModelProvider::name)
                .filter(m -> only.isEmpty() || List.of(only.split(",")).contains(m));
    }
}
