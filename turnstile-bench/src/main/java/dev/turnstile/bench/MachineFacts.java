package dev.turnstile.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The machine a run measured on, read once at the start: cores, memory, CPU model, kernel, JDK.
 * Figures from different machines are not comparable; this says which machine they are from.
 */
public record MachineFacts(int cores, long memoryBytes, String cpu, String kernel, String os, String jdk) {

    public static MachineFacts current() {
        return new MachineFacts(Runtime.getRuntime().availableProcessors(), memTotal(),
                cpuModel().orElse("unknown"), read("/proc/sys/kernel/osrelease").orElse(System.getProperty("os.version")),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.runtime.version"));
    }

    /** "2 cores (Intel Xeon ...), 23.5 GiB, Linux 6.18, JDK ...": for report headers. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%d cores (%s), %.1f GiB memory, %s kernel %s, %s",
                cores, cpu, memoryBytes / (1024.0 * 1024 * 1024), os, kernel, jdk);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", cores);
        m.put("memoryBytes", memoryBytes);
        m.put("cpu", cpu);
        m.put("kernel", kernel);
        m.put("os", os);
        m.put("jdk", jdk);
        return m;
    }

    private static long memTotal() {
        return read("/proc/meminfo").map(info -> ProcessTreeProbe.kilobytes(info, "MemTotal:") * 1024)
                .orElse(Runtime.getRuntime().maxMemory());
    }

    private static Optional<String> cpuModel() {
        return read("/proc/cpuinfo").flatMap(info -> info.lines().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst());
    }

    private static Optional<String> read(String path) {
        try {
            return Optional.of(Files.readString(Path.of(path)).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
