package dev.turnstile.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the whole machine's CPUs were between two readings of {@code /proc/stat}, so that a
 * cell can say how much of the machine went to work other than its server and client (on a shared
 * machine, the main source of noise). Immutable: each reading is a value.
 *
 * @param nanoTime  when it was read
 * @param busyTicks all CPUs' ticks in every state but idle and iowait, since boot
 */
record MachineLoad(long nanoTime, long busyTicks) {

    /** Reads the aggregate CPU line now; zeros where /proc/stat cannot be read (the figure is then 0). */
    static MachineLoad now() {
        try {
            String cpu = Files.readString(Path.of("/proc/stat")).lines().findFirst().orElse("");
            String[] f = cpu.trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return new MachineLoad(System.nanoTime(), busy);
        } catch (IOException | NumberFormatException e) {
            return new MachineLoad(System.nanoTime(), 0);
        }
    }

    /** Busy cores on average from {@code earlier} to this reading: 2.0 is both cores of 2 busy throughout. */
    double coresSince(MachineLoad earlier) {
        double seconds = (nanoTime - earlier.nanoTime) / 1e9;
        return seconds > 0 && busyTicks > 0
                ? (busyTicks - earlier.busyTicks) / ProcessTreeProbe.CLOCK_TICKS_PER_SECOND / seconds : 0;
    }
}
