package dev.turnstile.cli;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Where {@code serve}'s settings come from besides the command line: {@code TURNSTILE_*}
 * environment variables, then the {@code --config} file ({@link ConfigFile}). Plugged into
 * picocli as the command's default value provider, so picocli still parses the command line and
 * converts every value (a bad value in the file fails with picocli's own message, which
 * {@link Turnstile} completes with {@link #origin}): an option given on the command line wins,
 * then the environment, then the file, then the option's own default.
 *
 * <p>Keys are the long option names without dashes ({@code max-connections}); the variable is
 * {@code TURNSTILE_} and the key upper-cased with dashes as underscores
 * ({@code TURNSTILE_MAX_CONNECTIONS}). {@link #NOT_SETTINGS} are options of the invocation, not
 * of the server. The file is found through {@code --config}, else {@code TURNSTILE_CONFIG}; picocli asks
 * for defaults only after it has matched the command line, so {@code --config} is known by then.
 *
 * <p>Not thread-safe: one parse at a time (a reload builds a fresh command line and a fresh
 * instance). The file is read once per instance.
 */
final class SettingSources implements IDefaultValueProvider {

    static final String ENV_PREFIX = "TURNSTILE_";
    /**
     * Variables of ours that name no option of {@code serve}: stack traces, the config file, the
     * launcher script's JVM flags, the scripts' shared folder, and what an upgrade (SIGUSR2) hands
     * the new copy. A new one must be added here, or serve refuses to start where it is set.
     */
    static final Set<String> RESERVED_ENV = Set.of("TURNSTILE_DEBUG", "TURNSTILE_CONFIG", "TURNSTILE_JAVA_OPTS",
            "TURNSTILE_SHARED", "TURNSTILE_UPGRADE_FROM", "TURNSTILE_UPGRADE_NOTIFY");
    /** Options that say what to do with this invocation, not how to serve: never read from a file or variable. */
    static final Set<String> NOT_SETTINGS = Set.of("config", "print-config", "help", "version");

    /** Where a setting's value came from, in ascending precedence. */
    enum Source {
        DEFAULT("default"), FILE("file"), ENVIRONMENT("env"), COMMAND_LINE("command line");

        final String label;

        Source(String label) {
            this.label = label;
        }
    }

    /** A value this provider handed to picocli, and its origin for messages ({@code TURNSTILE_WORKERS}, {@code FILE line 3}). */
    record Supplied(String value, Source source, String where) {
    }

    private final Map<String, String> environment;
    private final Supplier<Path> configOption;
    private final Map<String, Supplied> supplied = new HashMap<>();
    private ConfigFile file;
    private RuntimeException fileError;
    private boolean fileRead;

    /** @param configOption the {@code --config} value once parsed (null when not given) */
    SettingSources(Map<String, String> environment, Supplier<Path> configOption) {
        this.environment = Map.copyOf(environment);
        this.configOption = configOption;
    }

    /** The environment the values were read from (a reload reads the same). */
    Map<String, String> environment() {
        return environment;
    }

    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^--?", "");
    }

    static String variable(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String key = key(option);
        if (NOT_SETTINGS.contains(key)) {
            return null;
        }
        String fromEnvironment = environment.get(variable(key));
        if (fromEnvironment != null) {
            supplied.put(key, new Supplied(fromEnvironment, Source.ENVIRONMENT, variable(key)));
            return fromEnvironment;
        }
        ConfigFile f = file();
        if (f != null) {
            ConfigFile.Entry e = f.entries().get(key);
            if (e != null) {
                supplied.put(key, new Supplied(e.value(), Source.FILE, f.where(e)));
                return e.value();
            }
        }
        return null;
    }

    /** The config file in use: {@code --config}, else {@code TURNSTILE_CONFIG}, else none. */
    Optional<Path> configPath() {
        Path p = configOption.get();
        if (p == null && environment.get("TURNSTILE_CONFIG") != null) {
            p = Path.of(environment.get("TURNSTILE_CONFIG"));
        }
        return Optional.ofNullable(p);
    }

    private ConfigFile file() {
        if (!fileRead) {
            fileRead = true;
            try {
                file = configPath().map(ConfigFile::read).orElse(null);
            } catch (RuntimeException e) {
                fileError = e; // reported by check(), not from inside picocli's parse
            }
        }
        return file;
    }

    /**
     * Refuses what this provider could not use: an unreadable file, a key in it that names no
     * option, a {@code TURNSTILE_} variable that names none; the message names the key and the
     * closest option.
     */
    void check(CommandSpec command) {
        file();
        if (fileError != null) {
            throw fileError;
        }
        Set<String> keys = new TreeSet<>();
        for (OptionSpec o : command.options()) {
            if (!NOT_SETTINGS.contains(key(o))) {
                keys.add(key(o));
            }
        }
        if (file != null) {
            for (ConfigFile.Entry e : file.entries().values()) {
                if (NOT_SETTINGS.contains(e.key())) {
                    throw new IllegalArgumentException(file.where(e) + ": '" + e.key() + "' cannot be set in a config file");
                }
                if (!keys.contains(e.key())) {
                    throw new IllegalArgumentException(file.where(e) + ": unknown key '" + e.key() + "'" + closest(e.key(), keys)
                            .map(k -> "; did you mean '" + k + "'?").orElse(""));
                }
            }
        }
        List<String> names = new ArrayList<>(environment.keySet());
        names.sort(Comparator.naturalOrder());
        for (String name : names) {
            if (!name.startsWith(ENV_PREFIX) || RESERVED_ENV.contains(name)) {
                continue;
            }
            String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-');
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("environment variable " + name + " names no option of serve"
                        + closest(key, keys).map(k -> "; did you mean " + variable(k) + " (--" + k + ")?").orElse(""));
            }
        }
    }

    /** Where {@code option}'s value came from in the last parse. */
    Supplied origin(OptionSpec option, ParseResult parse) {
        if (parse != null && parse.hasMatchedOption(option)) {
            return new Supplied(String.join(" ", option.originalStringValues()), Source.COMMAND_LINE, "command line");
        }
        Supplied s = supplied.get(key(option));
        return s != null ? s : new Supplied(null, Source.DEFAULT, "default");
    }

    /** The value this provider gave {@code option}, if it gave one (for error messages). */
    Optional<Supplied> suppliedFor(OptionSpec option) {
        return Optional.ofNullable(supplied.get(key(option)));
    }

    /** The known key nearest {@code key} by edit distance, if any is near enough to be a typo. */
    static Optional<String> closest(String key, Set<String> keys) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : keys) {
            int d = distance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 2) ? Optional.of(best) : Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
