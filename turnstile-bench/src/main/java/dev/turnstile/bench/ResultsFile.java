package dev.turnstile.bench;

import dev.turnstile.loadgen.Json;
import dev.turnstile.loadgen.LoadResult;
import dev.turnstile.loadgen.Workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * results.json on disk: written whole after every cell (to a side file, then moved over the old
 * one, so a reader never sees half a file), and read back into {@link BenchResults} so that the
 * report and charts can be made again from a finished run's figures alone. Stateless.
 */
final class ResultsFile {

    static final String NAME = "results.json";

    private ResultsFile() {
    }

    static void write(BenchResults results) throws IOException {
        Path file = results.plan().out().resolve(NAME);
        Path partial = file.resolveSibling(NAME + ".partial");
        Files.writeString(partial, Json.write(results.toJson()));
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The run in {@code dir}/results.json; its plan's output folder is {@code dir}.
     *
     * @throws IOException              there is no results.json in {@code dir}
     * @throws IllegalArgumentException it is not a bench's results.json, naming the first bad key
     */
    static BenchResults read(Path dir) throws IOException {
        String text;
        try {
            text = Files.readString(dir.resolve(NAME));
        } catch (NoSuchFileException e) {
            throw new IOException("no " + NAME + " in " + dir);
        }
        Map<String, Object> root = map(Json.parse(text), NAME);
        Map<String, Object> run = map(root.get("run"), "run");
        List<Contender> contenders = new ArrayList<>();
        for (Object o : list(run, "models")) {
            Map<String, Object> m = map(o, "models[]");
            contenders.add(new Contender(string(m, "name"), strings(m, "serverArgs"),
                    m.get("capacity") instanceof Number n ? OptionalInt.of(n.intValue()) : OptionalInt.empty(),
                    string(m, "sizing")));
        }
        BenchPlan plan = new BenchPlan(contenders,
                list(run, "connections").stream().map(n -> ((Number) n).intValue()).toList(),
                strings(run, "workloads").stream().map(Workload::parse).toList(),
                seconds(run, "warmupSeconds"), seconds(run, "durationSeconds"), seconds(run, "thinkMaxSeconds"),
                (int) number(run, "backlog"), (int) number(run, "loadThreads"), strings(run, "serverJvmFlags"), strings(run, "loadJvmFlags"),
                run.get("rounds") instanceof Number n ? n.intValue() : 1, Boolean.TRUE.equals(run.get("tls")), dir);
        Map<String, Object> machine = map(run.get("machine"), "machine");
        MachineFacts facts = new MachineFacts((int) number(machine, "cores"), (long) number(machine, "memoryBytes"),
                string(machine, "cpu"), string(machine, "kernel"), string(machine, "os"), string(machine, "jdk"));
        List<CellResult> cells = new ArrayList<>();
        for (Object o : list(root, "cells")) {
            cells.add(cell(map(o, "cells[]"), contenders));
        }
        return new BenchResults(plan, facts, Instant.parse(string(run, "started")), seconds(run, "elapsedSeconds"),
                cells);
    }

    private static CellResult cell(Map<String, Object> m, List<Contender> contenders) {
        String name = string(m, "model");
        Contender contender = contenders.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("cell of unknown model '" + name + "'"));
        Cell cell = new Cell(contender, Workload.parse(string(m, "workload")), (int) number(m, "connections"),
                m.get("round") instanceof Number n ? n.intValue() : 1); // runs before rounds existed had one
        ProcessUsage server = m.get("server") == null ? null : usage(map(m.get("server"), "server"));
        ProcessUsage client = m.get("client") == null ? null : usage(map(m.get("client"), "client"));
        LoadResult load = m.get("load") == null ? null : LoadResult.fromJson(Json.write(m.get("load")));
        CellResult.Status status = CellResult.Status.valueOf(string(m, "status").toUpperCase(java.util.Locale.ROOT));
        double machineCores = m.get("machineCores") instanceof Number n ? n.doubleValue() : 0;
        return new CellResult(cell, status, string(m, "note"), load, server, client, machineCores);
    }

    private static ProcessUsage usage(Map<String, Object> u) {
        return new ProcessUsage(number(u, "cpuSeconds"), number(u, "wallSeconds"), (long) number(u, "idleRssBytes"),
                (long) number(u, "peakRssBytes"), (int) number(u, "peakThreads"), (int) number(u, "peakProcesses"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(NAME + ": '" + what + "' is not an object");
    }

    private static List<?> list(Map<String, Object> m, String key) {
        if (m.get(key) instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException(NAME + ": '" + key + "' is not a list");
    }

    private static List<String> strings(Map<String, Object> m, String key) {
        return list(m, key).stream().map(String::valueOf).toList();
    }

    private static String string(Map<String, Object> m, String key) {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException(NAME + ": '" + key + "' is not a string");
    }

    private static double number(Map<String, Object> m, String key) {
        if (m.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(NAME + ": '" + key + "' is not a number");
    }

    private static Duration seconds(Map<String, Object> m, String key) {
        return Duration.ofMillis(Math.round(number(m, key) * 1000));
    }
}
