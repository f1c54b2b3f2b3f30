package dev.turnstile.model;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;

import java.util.List;
import java.util.stream.Stream;

/**
 * The {@link FaultContract} over every model that serves in this JVM; the process models keep
 * their own fault tests (a SIGTERM to the master, a worker killed) in {@code ProcessFaultsTest}.
 */
@Timeout(300)
class FaultContractTest extends FaultContract {

    static Stream<String> models() {
        String only = System.getProperty("turnstile.test.models", ""); // a comma-separated subset, while developing
        return Models.all().stream().filter(p -> !p.servesInOtherProcesses()).map(ModelProvider::name)
                .filter(m -> only.isEmpty() || List.of(only.split(",")).contains(m));
    }

    static Stream<Arguments> modelsAndErrors() {
        return models().flatMap(m -> Stream.of(Arguments.of(m, "SOE"), Arguments.of(m, "SOE-LATER"), Arguments.of(m, "OOME")));
    }
}
