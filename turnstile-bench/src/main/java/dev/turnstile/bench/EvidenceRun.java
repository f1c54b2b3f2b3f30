package dev.turnstile.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One evidence run as reported: the plan, the machine, when and how long, the machine's load at
 * the start and the end (it is shared), and the findings in report order.
 */
record EvidenceRun(EvidencePlan plan, MachineFacts machine, Instant started, Duration elapsed,
                   Conditions atStart, Conditions atEnd, List<Finding> findings) {

    EvidenceRun {
        findings = List.copyOf(findings);
    }

    /** The load averages of {@code /proc/loadavg} (1, 5 and 15 minutes), as uptime prints them. */
    record Conditions(String loadAverage) {
        static Conditions now() {
            try {
                String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
                return new Conditions(fields[0] + ", " + fields[1] + ", " + fields[2]);
            } catch (IOException | ArrayIndexOutOfBoundsException e) {
                return new Conditions("unknown");
            }
        }
    }
}
