package dev.turnstile.model.process;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;
import dev.turnstile.model.ConnectionLimitsContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.stream.Stream;

/**
 * The {@link ConnectionLimitsContract} over every model that serves in other processes: the
 * per-connection master applies the limits where it accepts; the pool's workers, which accept on
 * their own, share their counts through the scoreboard, and the master's stats show the hits.
 * Tagged and checked for leftover children.
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(180)
class ProcessConnectionLimitsTest extends ConnectionLimitsContract {

    static Stream<String> models() {
        String only = System.getProperty("turnstile.test.models", ""); // a comma-separated subset, while developing
        return Models.all().stream().filter(ModelProvider::servesInOtherProcesses).map(ModelProvider::name)
                .filter(m -> only.isEmpty() || List.of(only.split(",")).contains(m));
    }
}
