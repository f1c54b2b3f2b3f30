package dev.turnstile.model.prefork;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerModel;
import dev.turnstile.api.Service;
import dev.turnstile.api.SessionService;
import dev.turnstile.core.Models;
import dev.turnstile.model.process.WorkerArguments;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The in-process model every worker of a pool runs ({@code --worker-model}), with its options:
 * nginx's shape, a master and N worker processes each an event loop (or any other in-process
 * model) on the shared socket. It travels to the worker JVMs on their command line, as
 * {@link dev.turnstile.model.process.ServiceSpec} carries the service and config.
 *
 * <p><b>Options.</b> The worker model reads the command line's options except the pool's own
 * (listed in {@link #POOL_OPTIONS}), so {@code --loops}, {@code --accept}, {@code --high-water} and
 * the like reach it; {@code --workers}, {@code --min} and {@code --max} size the pool, so the
 * worker model's own {@code --workers} (threads of {@code thread-pool}, the bound of
 * {@code thread-per-connection}, the loops of {@code multi-loop} without {@code --loops}) is
 * given as {@code --threads-per-worker}.
 *
 * <p>Immutable.
 *
 * @param name    the in-process model's name, such as {@code event-loop}
 * @param options the options it reads
 */
public record HostedModel(String name, ModelOptions options) {

    /** The options that configure the pool, never passed to the worker model. */
    static final Set<String> POOL_OPTIONS = Set.of("min-spare", "max-spare", "threads-per-worker",
            "max-connections-per-worker", "balance", "max-restarts", "restart-window", "worker-heap", "cds",
            "worker-model", "worker-capacity", "exec", "max-children");

    public HostedModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
    }

    /**
     * The worker model the pool's options name, if any: checked here, in the master, so that a
     * model the workers could not run fails the start, not every worker.
     *
     * @throws IllegalArgumentException for an unknown model or one that runs in processes itself
     */
    static Optional<HostedModel> from(ModelOptions pool) {
        Optional<String> name = pool.extra("worker-model").map(String::trim);
        if (name.isEmpty() || name.get().equals("worker")) {
            return Optional.empty();
        }
        ModelProvider provider = Models.require(name.get());
        if (provider.servesInOtherProcesses()) {
            throw new IllegalArgumentException("worker-model must be an in-process model (" + name.get()
                    + " starts processes itself); known: worker (the default), " + String.join(", ", inProcessNames()));
        }
        Map<String, String> extra = new HashMap<>(pool.extra());
        POOL_OPTIONS.forEach(extra::remove);
        ModelOptions own = new ModelOptions(pool.extraPositiveInt("threads-per-worker"),
                Optional.empty(), Optional.empty(), pool.keepAlive(), pool.policy(), extra);
        HostedModel hosted = new HostedModel(provider.name(), own);
        hosted.create(); // its options are validated here: a bad one names itself before any worker starts
        return Optional.of(hosted);
    }

    private static List<String> inProcessNames() {
        return Models.all().stream().filter(p -> !p.servesInOtherProcesses()).map(ModelProvider::name).toList();
    }

    /** A new, unstarted instance of the model, as each worker makes one. */
    ServerModel create() {
        return Models.require(name).create(options);
    }

    /**
     * Refuses a service the model cannot run (a session service under an event loop), in the
     * master, with the model's own reason.
     */
    void refuseIfCannotRun(Service service) {
        if (service instanceof SessionService session && !Models.require(name).runsSessions()) {
            throw new IllegalArgumentException("process-pool --worker-model " + name + " cannot run " + session.name()
                    + ": it is a session service, which holds a thread for its whole connection; use a worker model"
                    + " that gives each connection a thread (thread-per-connection, virtual-threads, thread-pool)");
        }
    }

    /** Appends {@code --worker-model NAME --worker-options ENCODED} to a worker's arguments. */
    void addTo(List<String> args) {
        WorkerArguments.add(args, "worker-model", name);
        Map<String, String> all = new TreeMap<>(options.extra());
        options.workers().ifPresent(n -> all.put("workers", n.toString()));
        options.keepAlive().ifPresent(d -> all.put("keep-alive-ms", Long.toString(d.toMillis())));
        options.policy().ifPresent(p -> all.put("policy", p));
        StringBuilder encoded = new StringBuilder();
        all.forEach((k, v) -> encoded.append(encoded.isEmpty() ? "" : "&").append(encode(k)).append('=').append(encode(v)));
        WorkerArguments.add(args, "worker-options", encoded.isEmpty() ? "-" : encoded.toString());
    }

    /** The worker model a worker's arguments name, if any. */
    static Optional<HostedModel> fromArguments(WorkerArguments args) {
        String name = args.text("worker-model", null);
        if (name == null) {
            return Optional.empty();
        }
        String encoded = args.text("worker-options", "-");
        ModelOptions o = ModelOptions.none();
        if (!encoded.equals("-")) {
            for (String pair : encoded.split("&")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("worker argument --worker-options has no '=' in '" + pair + "'");
                }
                String key = decode(pair.substring(0, eq));
                String value = decode(pair.substring(eq + 1));
                o = switch (key) {
                    case "workers" -> o.withWorkers(Integer.parseInt(value));
                    case "keep-alive-ms" -> o.withKeepAlive(Duration.ofMillis(Long.parseLong(value)));
                    case "policy" -> o.withPolicy(value);
                    default -> o.with(key, value);
                };
            }
        }
        return Optional.of(new HostedModel(name, o));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
