package dev.turnstile.model.process;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} arguments a master passes to a worker JVM, read back in the worker
 * with messages that name the argument. Not for people: the master writes them, so an error
 * here means a master and worker of different versions, and the worker exits
 * {@link ExitCodes#CANNOT_BOOT}. Immutable.
 */
public final class WorkerArguments {

    private final Map<String, String> values;

    private WorkerArguments(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code --name value} pairs; every name must be in {@code known}.
     *
     * @throws IllegalArgumentException naming the bad argument
     */
    public static WorkerArguments parse(String[] args, Set<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (!name.startsWith("--") || !known.contains(name.substring(2))) {
                throw new IllegalArgumentException("unknown worker argument " + name + "; known: " + known);
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("worker argument " + name + " needs a value");
            }
            values.put(name.substring(2), args[i + 1]);
        }
        return new WorkerArguments(values);
    }

    /** Appends {@code --name value} to {@code args}. */
    public static void add(List<String> args, String name, Object value) {
        args.add("--" + name);
        args.add(String.valueOf(value));
    }

    public String text(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("worker argument --" + name + " is missing");
        }
        return v;
    }

    public String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public long number(String name) {
        String v = text(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("worker argument --" + name + " must be a number (got '" + v + "')");
        }
    }

    public long number(String name, long fallback) {
        return values.containsKey(name) ? number(name) : fallback;
    }

    public Duration millis(String name) {
        return Duration.ofMillis(number(name));
    }
}
