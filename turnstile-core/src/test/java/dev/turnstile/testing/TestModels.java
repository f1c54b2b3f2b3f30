package dev.turnstile.testing;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;

import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The models a parameterized test runs over: every model on the class path of one kind, or the
 * comma-separated subset named by {@code -Dturnstile.test.models} (while developing).
 */
public final class TestModels {

    private TestModels() {
    }

    /** The models that serve in this JVM. */
    public static Stream<String> inProcess() {
        return selected(p -> !p.servesInOtherProcesses());
    }

    /** The models that serve in other processes. */
    public static Stream<String> inOtherProcesses() {
        return selected(ModelProvider::servesInOtherProcesses);
    }

    private static Stream<String> selected(Predicate<ModelProvider> kind) {
        String only = System.getProperty("turnstile.test.models", "");
        return Models.all().stream().filter(kind).map(ModelProvider::name)
                .filter(m -> only.isBlank() || List.of(only.split(",")).contains(m));
    }
}
