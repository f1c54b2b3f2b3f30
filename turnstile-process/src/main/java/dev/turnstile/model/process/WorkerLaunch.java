package dev.turnstile.model.process;

import dev.turnstile.api.ModelOptions;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a process model starts its worker JVMs: the JVM ({@code --worker-heap}) and the kind of
 * class-data archive it trains and uses ({@code --cds}), read the same way by both models.
 *
 * @param jvm     the worker JVM's command line
 * @param archive the archive kind, or empty for none
 */
public record WorkerLaunch(WorkerJvm jvm, Optional<ClassDataArchive.Kind> archive) {

    /** The two options as {@code turnstile models} lists them. */
    public static final List<String> OPTIONS = List.of(
            "--worker-heap SIZE (-Xmx of each worker JVM; default " + WorkerJvm.DEFAULT_HEAP + ")",
            "--cds auto|aot|appcds|off (class-data archive for the worker JVMs, trained once per build; default auto: aot)");

    public WorkerLaunch {
        Objects.requireNonNull(jvm, "jvm");
        Objects.requireNonNull(archive, "archive");
    }

    /** From {@code worker-heap} and {@code cds}; messages name the option. */
    public static WorkerLaunch from(ModelOptions options, WorkerJvm.StartMode mode) {
        return new WorkerLaunch(WorkerJvm.ofThisJvm(options.extra("worker-heap").orElse(WorkerJvm.DEFAULT_HEAP), mode),
                ClassDataArchive.Kind.parse(options.extra("cds").orElse("auto")));
    }
}
