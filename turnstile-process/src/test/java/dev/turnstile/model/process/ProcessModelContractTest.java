package dev.turnstile.model.process;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;
import dev.turnstile.model.ModelContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.stream.Stream;

/**
 * The {@link ModelContract} over every model that serves in other processes (process per
 * connection, the pre-forked pool), tagged and checked for zombies and leftover children like the
 * other process tests.
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(120)
class ProcessModelContractTest extends ModelContract {

    static Stream<String> models() {
        return Models.all().stream().filter(ModelProvider::servesInOtherProcesses).map(ModelProvider::name);
    }
}
