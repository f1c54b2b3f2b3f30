package dev.turnstile.cli;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.core.Server;
import dev.turnstile.core.tls.ServerTls;
import picocli.CommandLine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * SIGHUP for {@code serve}: read the settings again (the same command line and environment, the
 * config file as it is now), say which changed, and hand the new ones to the running model
 * ({@link Server#reload}), which applies what it can: the process models start fresh workers or
 * children with them; the in-process models change nothing ({@link #APPLIED}).
 *
 * <p>Each changed setting is logged, {@code key: old -> new}, either as applied or as needing a
 * restart (ignored: the running value stays, and the next reload reports it again). A file or
 * value that does not parse, or a model that refuses the settings, leaves everything as it was.
 * Systemd hears {@code RELOADING=1} at the start and {@code READY=1} at the end, as
 * {@code Type=notify-reload} expects.
 *
 * <p>Thread-safety: reloads run one at a time on one daemon thread, "turnstile-reload"; a HUP
 * during a reload queues the next. {@link #drain()} from any thread.
 */
final class ConfigReload {

    /** Settings each model applies on a reload; every other one needs a restart. */
    static final Map<String, Set<String>> APPLIED = Map.of(
            "process-pool", Set.of("framing", "max-message-bytes", "max-connections", "max-connections-per-ip",
                    "max-accept-rate", "idle-timeout", "write-timeout", "message-timeout", "max-pending", "tls-cert", "tls-key",
                    "tls-keystore", "tls-keystore-password-file", "tls-handshake-timeout", "proxy-protocol", "proxy-from",
                    "proxy-header-timeout", "workers", "min", "max", "min-spare", "max-spare", "max-connections-per-worker",
                    "max-restarts", "restart-window", "drain"),
            "process-per-connection", Set.of("framing", "max-message-bytes", "idle-timeout", "write-timeout", "message-timeout",
                    "max-pending", "tls-cert", "tls-key", "tls-keystore", "tls-keystore-password-file", "tls-handshake-timeout",
                    "drain"));
    /** What a reload applies under any other model. */
    static final Set<String> APPLIED_BY_ANY = Set.of("drain");
    static final Duration LONGEST_RELOAD = Duration.ofMinutes(2);

    private final List<String> arguments;
    private final Map<String, String> environment;
    private final SystemdNotifier notifier;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("turnstile-reload").unstarted(r));
    private final Object lock = new Object();
    private Server server;             // guarded by lock until serving(), then read on the reload thread
    private boolean requestedEarly;    // guarded by lock: a HUP before the server was up
    private EffectiveSettings running; // reload thread only, after serving()
    private volatile Duration drain;

    private ConfigReload(List<String> arguments, Map<String, String> environment, SystemdNotifier notifier, Duration drain) {
        this.arguments = List.copyOf(arguments);
        this.environment = Map.copyOf(environment);
        this.notifier = notifier;
        this.drain = drain;
    }

    /**
     * Handles SIGHUP from now on (so that an early one does not end the process, the JVM's
     * default): a reload with a fresh parse of {@code arguments} (the whole command line, "serve"
     * included), once {@link #serving} has said what runs; a HUP before that is held until then.
     */
    static ConfigReload install(List<String> arguments, Map<String, String> environment, SystemdNotifier notifier,
                                Duration drain) {
        ConfigReload r = new ConfigReload(arguments, environment, notifier, drain);
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> r.requested());
        return r;
    }

    /** The server is up with {@code settings}: reloads may run. */
    void serving(Server s, EffectiveSettings settings) {
        synchronized (lock) {
            server = s;
            running = settings;
            if (requestedEarly) {
                thread.execute(this::reload);
            }
        }
    }

    /** The stop's drain: the start's, or the last reload's. */
    Duration drain() {
        return drain;
    }

    private void requested() {
        synchronized (lock) {
            if (server == null) {
                requestedEarly = true;
            } else {
                thread.execute(this::reload);
            }
        }
    }

    /** One reload; never throws (a failure is logged and changes nothing). */
    void reload() {
        long began = System.nanoTime();
        notifier.reloading();
        say("SIGHUP: reading the settings again");
        try {
            CommandLine root = Turnstile.commandLine(environment);
            root.parseArgs(arguments.toArray(String[]::new));
            CommandLine serve = root.getSubcommands().get("serve");
            ServeCommand fresh = serve.getCommand();
            fresh.sources.check(serve.getCommandSpec());
            EffectiveSettings next = fresh.settings();
            ServerConfig config = fresh.server.config();
            ModelOptions options = fresh.server.modelOptions();
            if (config.tls() != null) {
                ServerTls.load(config.tls()); // a bad certificate or key refuses the reload here, naming the file
            }
            Set<String> applied = APPLIED.getOrDefault(server.modelName(), APPLIED_BY_ANY);
            Map<String, EffectiveSettings.Setting> kept = new LinkedHashMap<>(next.settings());
            Map<String, List<String>> changes = running.changesTo(next);
            for (Map.Entry<String, List<String>> c : changes.entrySet()) {
                String what = c.getKey() + ": " + shown(c.getValue().get(0)) + " -> " + shown(c.getValue().get(1));
                if (applied.contains(c.getKey())) {
                    say("reload: " + what);
                } else {
                    say("reload: " + what + " needs a restart (" + server.modelName() + "); ignored");
                    kept.put(c.getKey(), running.settings().get(c.getKey()));
                }
            }
            if (changes.isEmpty()) {
                say("reload: no setting changed");
            }
            String outcome = server.reload(config, options).get(LONGEST_RELOAD.toMillis(), TimeUnit.MILLISECONDS);
            running = new EffectiveSettings(kept);
            if (applied.contains("drain")) {
                drain = fresh.drain;
            }
            say("reload done in " + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms: " + outcome);
        } catch (CommandLine.ParameterException e) {
            say("reload refused, still serving with the settings of before: " + e.getMessage()
                    + origin(e));
        } catch (java.util.concurrent.ExecutionException e) {
            say("reload refused, still serving with the settings of before: " + Turnstile.describe(e.getCause()));
        } catch (java.util.concurrent.TimeoutException e) {
            say("reload not done after " + LONGEST_RELOAD.toSeconds() + " s; it goes on in the background");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            say("reload refused, still serving with the settings of before: " + Turnstile.describe(e));
        } finally {
            notifier.reloaded(server);
        }
    }

    private static String origin(CommandLine.ParameterException e) {
        if (e.getCommandLine().getCommand() instanceof ServeCommand s && e.getArgSpec() instanceof CommandLine.Model.OptionSpec o) {
            return s.sources.suppliedFor(o).map(x -> " (from " + x.where() + ")").orElse("");
        }
        return "";
    }

    private static String shown(String value) {
        return value == null ? "(unset)" : value;
    }

    private static void say(String line) {
        System.err.println("turnstile: " + line);
        System.err.flush();
    }
}
