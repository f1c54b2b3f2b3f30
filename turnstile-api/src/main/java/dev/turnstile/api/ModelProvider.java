package dev.turnstile.api;

import java.util.List;

/**
 * Makes one kind of {@link ServerModel} from options. Providers are found with
 * {@link java.util.ServiceLoader}, so a module adds models by listing its providers in
 * {@code META-INF/services/dev.turnstile.api.ModelProvider}; the command line needs no change.
 */
public interface ModelProvider {

    /** The name on the command line, such as {@code thread-pool}. */
    String name();

    /** One line for {@code turnstile models}. */
    String description();

    /** The options this model reads, as the command line spells them, such as {@code --workers N}. */
    List<String> options();

    /** True if the model can run a {@link SessionService} (it gives each connection a thread or process). */
    boolean runsSessions();

    /**
     * True if the model runs the service in worker processes, which create it from its class
     * name: the service must then be a public class with a public no-argument constructor, and
     * state in this JVM (a wrapper around the service, what the service writes to this JVM's
     * streams) does not reach it.
     */
    default boolean servesInOtherProcesses() {
        return false;
    }

    /** A new, unstarted model. Validates the options it reads; messages name the option. */
    ServerModel create(ModelOptions options);
}
