package dev.turnstile.reliability;

import dev.turnstile.model.process.NoProcessLeftBehind;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.stream.Stream;

/**
 * {@link FairnessTest} over the models that serve in other processes, sized by {@link ProcessLoads};
 * tagged and checked for leftover children like the other process tests.
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(180)
class ProcessFairnessTest extends FairnessTest {

    static Stream<String> models() {
        return ProcessLoads.models();
    }

    @Override
    Load load(String model) {
        return ProcessLoads.load(model);
    }
}
