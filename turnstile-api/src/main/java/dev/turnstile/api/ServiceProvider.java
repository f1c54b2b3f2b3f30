package dev.turnstile.api;

/**
 * Makes one named service for {@code turnstile serve --service NAME}. Providers are found with
 * {@link java.util.ServiceLoader}: a module adds services by listing its providers in
 * {@code META-INF/services/dev.turnstile.api.ServiceProvider}; the command line needs no change.
 */
public interface ServiceProvider {

    /** The name on the command line, such as {@code echo} or {@code resp}. */
    String name();

    /** One line for {@code turnstile services}. */
    String description();

    /** A new service; one per server. */
    Service create();
}
