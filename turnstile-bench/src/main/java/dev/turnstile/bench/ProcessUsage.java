package dev.turnstile.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a process tree (the server's, or the load generator's) used while one cell's load ran,
 * from the load process's start to its exit: connecting, warm-up, measurement and closing.
 *
 * @param cpuSeconds        CPU time of the tree (user + system, children included)
 * @param wallSeconds       the time over which {@code cpuSeconds} was spent
 * @param idleRssBytes      RSS of the tree once listening, before any load
 * @param peakRssBytes      the tree's peak RSS: the largest sum of VmHWM seen (exact for one process)
 * @param peakThreads       the most threads seen in the tree at once
 * @param peakProcesses     the most processes seen in the tree at once
 */
public record ProcessUsage(double cpuSeconds, double wallSeconds, long idleRssBytes, long peakRssBytes,
                    int peakThreads, int peakProcesses) {

    /** CPU seconds per wall second: 1.0 is one core busy all the time. */
    public double cores() {
        return wallSeconds > 0 ? cpuSeconds / wallSeconds : 0;
    }

    /** Memory added per connection: (peak RSS - idle RSS) / connections, never below zero. */
    public double rssBytesPerConnection(int connections) {
        return Math.max(0, peakRssBytes - idleRssBytes) / (double) connections;
    }

    /** The usage as a results.json object, with the derived figures too (read back by the first six). */
    public Map<String, Object> toJson(int connections) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpuSeconds", cpuSeconds);
        m.put("wallSeconds", wallSeconds);
        m.put("idleRssBytes", idleRssBytes);
        m.put("peakRssBytes", peakRssBytes);
        m.put("peakThreads", peakThreads);
        m.put("peakProcesses", peakProcesses);
        m.put("cores", cores());
        m.put("rssBytesPerConnection", rssBytesPerConnection(connections));
        return m;
    }
}
