package dev.turnstile.model;

import dev.turnstile.testing.TestModels;
import org.junit.jupiter.api.Timeout;

import java.util.stream.Stream;

/**
 * The {@link ConnectionLimitsContract} over every model that serves in this JVM; the models that
 * serve in other processes keep it in {@code dev.turnstile.model.process.ProcessConnectionLimitsTest}.
 */
@Timeout(120)
class ConnectionLimitsTest extends ConnectionLimitsContract {

    static Stream<String> models() {
        return TestModels.inProcess();
    }
}
