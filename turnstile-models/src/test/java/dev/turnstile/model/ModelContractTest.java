package dev.turnstile.model;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;
import org.junit.jupiter.api.Timeout;

import java.util.stream.Stream;

/**
 * The {@link ModelContract} over every model that serves in this JVM; the models that serve in
 * other processes keep it in {@code dev.turnstile.model.process.ProcessModelContractTest}.
 */
@Timeout(120)
class ModelContractTest extends ModelContract {

    static Stream<String> models() {
        return Models.all().stream().filter(p -> !p.servesInOtherProcesses()).map(ModelProvider::name);
    }
}
