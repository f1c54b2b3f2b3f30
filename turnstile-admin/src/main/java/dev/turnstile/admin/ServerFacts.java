package dev.turnstile.admin;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the status page says about the server itself, fixed at start: the model, its settings
 * (name to value, in the order given: the command line's options), where it listens, its process
 * id (the master's, for the process models) and when it started.
 */
public record ServerFacts(String model, Map<String, String> settings, String listen, long pid, Instant startedAt) {

    public ServerFacts {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(startedAt, "startedAt");
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** This process's facts, started now. */
    public static ServerFacts ofThisProcess(String model, Map<String, String> settings, String listen) {
        return new ServerFacts(model, settings, listen, ProcessHandle.current().pid(), Instant.now());
    }
}
