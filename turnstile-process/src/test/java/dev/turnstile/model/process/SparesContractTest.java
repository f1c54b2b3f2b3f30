package dev.turnstile.model.process;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.model.ModelContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.stream.Stream;

/**
 * The {@link ModelContract} for process-per-connection with two spares: every connection that
 * finds a ready spare is handed to it, the others get a child of their own, and the contract
 * (echo, many clients, resets, drain, forced stop) holds either way.
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(180)
class SparesContractTest extends ModelContract {

    static Stream<String> models() {
        return Stream.of("process-per-connection");
    }

    @Override
    protected ModelOptions options() {
        return super.options().with("spares", "2");
    }
}
