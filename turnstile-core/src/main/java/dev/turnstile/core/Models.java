package dev.turnstile.core;

import dev.turnstile.api.ModelProvider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The models on the class path, found through {@link ServiceLoader} and listed by name. */
public final class Models {

    private Models() {
    }

    /** Every model provider found, in a stable order. */
    public static List<ModelProvider> all() {
        List<ModelProvider> providers = new ArrayList<>();
        ServiceLoader.load(ModelProvider.class, Models.class.getClassLoader()).forEach(providers::add);
        providers.sort(Comparator.comparingInt(Models::rank).thenComparing(ModelProvider::name));
        return providers;
    }

    public static Optional<ModelProvider> find(String name) {
        return all().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The provider named {@code name}, or an error that lists the known names. */
    public static ModelProvider require(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown model '" + name + "'; known models: " + String.join(", ", names())));
    }

    public static List<String> names() {
        return all().stream().map(ModelProvider::name).toList();
    }

    /** Orders models as the notes introduce them: per connection, pools, then loops and processes. */
    private static int rank(ModelProvider p) {
        List<String> order = List.of("thread-per-connection", "virtual-threads", "thread-pool",
                "thread-pool-handoff", "elastic-pool", "event-loop", "multi-loop", "loop-with-workers",
                "process-per-connection", "process-pool");
        int i = order.indexOf(p.name());
        return i < 0 ? order.size() : i;
    }
}
