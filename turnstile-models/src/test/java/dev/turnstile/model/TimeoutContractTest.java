package dev.turnstile.model;

import dev.turnstile.testing.TestModels;
import org.junit.jupiter.api.Timeout;

import java.util.stream.Stream;

/**
 * The {@link TimeoutContract} over every model that serves in this JVM; the models that serve in
 * other processes keep it in {@code dev.turnstile.model.process.ProcessTimeoutContractTest}.
 */
@Timeout(120)
class TimeoutContractTest extends TimeoutContract {

    static Stream<String> models() {
        return TestModels.inProcess();
    }
}
