package dev.turnstile.model;

import dev.turnstile.testing.TestModels;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;

import java.util.stream.Stream;

/**
 * The {@link FaultContract} over every model that serves in this JVM; the process models keep
 * their own fault tests (a SIGTERM to the master, a worker killed) in {@code ProcessFaultsTest}.
 */
@Timeout(300)
class FaultContractTest extends FaultContract {

    static Stream<String> models() {
        return TestModels.inProcess();
    }

    static Stream<Arguments> modelsAndErrors() {
        return models().flatMap(m -> Stream.of(Arguments.of(m, "SOE"), Arguments.of(m, "SOE-LATER"), Arguments.of(m, "OOME")));
    }
}
