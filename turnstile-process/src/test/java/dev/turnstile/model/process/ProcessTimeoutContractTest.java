package dev.turnstile.model.process;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;
import dev.turnstile.model.TimeoutContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.stream.Stream;

/**
 * The {@link TimeoutContract} over every model that serves in other processes (process per
 * connection, the pre-forked pool): the timeouts travel to the workers as arguments and their
 * close reasons come back to the master's stats. Tagged and checked for leftover children.
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(180)
class ProcessTimeoutContractTest extends TimeoutContract {

    static Stream<String> models() {
        return Models.all().stream().filter(ModelProvider::servesInOtherProcesses).map(ModelProvider::name);
    }
}
