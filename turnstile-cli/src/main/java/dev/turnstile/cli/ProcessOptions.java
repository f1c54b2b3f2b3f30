package dev.turnstile.cli;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.model.process.ExecCommand;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/** The options of the process models (process-per-connection, process-pool), mixed into {@link ServerOptions}. */
final class ProcessOptions {

    @Option(names = "--max-children", paramLabel = "N",
            description = "process-per-connection: most children at once; the rest wait in the backlog; default: 40.")
    Integer maxChildren;

    @Option(names = "--exec", arity = "1..*", paramLabel = "CMD",
            description = "process-per-connection: run CMD [ARGS...] per connection instead of a JVM, the socket as its"
                    + " stdin and stdout, TCPREMOTEIP/TCPREMOTEPORT/TCPLOCALPORT set as tcpserver does. Put it last.")
    List<String> exec;

    @Option(names = "--spares", paramLabel = "K",
            description = "process-per-connection: K JVM children started ahead of demand, each waiting to be handed"
                    + " one connection, so a connection does not wait for a JVM to start; they count in"
                    + " --max-children; not with --exec; default: 0.")
    Integer spares;

    @Option(names = "--min-spare", paramLabel = "N", description = "process-pool: fewest idle workers kept; default: 1.")
    Integer minSpare;

    @Option(names = "--max-spare", paramLabel = "N", description = "process-pool: most idle workers kept; default: 3.")
    Integer maxSpare;

    @Option(names = "--threads-per-worker", paramLabel = "T", description = "process-pool: connections per worker at once; default: 1.")
    Integer threadsPerWorker;

    @Option(names = "--max-connections-per-worker", paramLabel = "N",
            description = "process-pool: recycle a worker after N connections (plus up to 25%%); default: never.")
    Integer maxConnectionsPerWorker;

    @Option(names = "--balance", paramLabel = "shared|reuseport",
            description = "process-pool: one shared listening socket (default) or a SO_REUSEPORT socket per worker.")
    String balance;

    @Option(names = "--worker-model", paramLabel = "MODEL",
            description = "process-pool: each worker runs this in-process model (event-loop, multi-loop, thread-pool, ...)"
                    + " with its options; --threads-per-worker is its --workers; default: worker (a thread per connection).")
    String workerModel;

    @Option(names = "--worker-capacity", paramLabel = "N",
            description = "process-pool with --worker-model: connections a worker holds before it counts as busy"
                    + " (the spare rule counts workers with room); default: 1000.")
    Integer workerCapacity;

    @Option(names = "--max-restarts", paramLabel = "N",
            description = "process-pool: more worker deaths than this within --restart-window stop the pool; default: 10.")
    Integer maxRestarts;

    @Option(names = "--restart-window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "process-pool: the window of --max-restarts; default: 10s.")
    Duration restartWindow;

    @Option(names = "--worker-heap", paramLabel = "SIZE", description = "Process models: -Xmx of each worker JVM; default: 64m.")
    String workerHeap;

    @Option(names = "--cds", paramLabel = "auto|aot|appcds|off",
            description = "Process models: class-data archive for the worker JVMs, made once per build; default: auto (aot).")
    String cds;

    ModelOptions apply(ModelOptions o) {
        o = with(o, "max-children", maxChildren);
        if (exec != null) {
            // from a config file or variable the command arrives as one value: its words are the arguments
            List<String> words = exec.size() == 1 ? List.of(exec.getFirst().trim().split("\\s+")) : exec;
            o = o.with("exec", ExecCommand.join(words));
        }
        o = with(o, "spares", spares);
        o = with(o, "min-spare", minSpare);
        o = with(o, "max-spare", maxSpare);
        o = with(o, "threads-per-worker", threadsPerWorker);
        o = with(o, "max-connections-per-worker", maxConnectionsPerWorker);
        o = with(o, "balance", balance);
        o = with(o, "worker-model", workerModel);
        o = with(o, "worker-capacity", workerCapacity);
        o = with(o, "max-restarts", maxRestarts);
        if (restartWindow != null) {
            o = o.with("restart-window", restartWindow.toMillis() + "ms");
        }
        o = with(o, "worker-heap", workerHeap);
        return with(o, "cds", cds);
    }

    private static ModelOptions with(ModelOptions o, String key, Object value) {
        return value == null ? o : o.with(key, value.toString());
    }
}
