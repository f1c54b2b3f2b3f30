package dev.turnstile.core;

import dev.turnstile.api.ServiceProvider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The services on the class path, found through {@link ServiceLoader} and listed by name, echo first. */
public final class Services {

    /** The service {@code turnstile serve} runs when none is named. */
    public static final String DEFAULT = "echo";

    private Services() {
    }

    public static List<ServiceProvider> all() {
        List<ServiceProvider> providers = new ArrayList<>();
        ServiceLoader.load(ServiceProvider.class, Services.class.getClassLoader()).forEach(providers::add);
        providers.sort(Comparator.comparing((ServiceProvider p) -> !p.name().equals(DEFAULT))
                .thenComparing(ServiceProvider::name));
        return providers;
    }

    public static Optional<ServiceProvider> find(String name) {
        return all().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The provider named {@code name}, or an error that lists the known names. */
    public static ServiceProvider require(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown service '" + name + "'; known services: " + String.join(", ", names())));
    }

    public static List<String> names() {
        return all().stream().map(ServiceProvider::name).toList();
    }
}
