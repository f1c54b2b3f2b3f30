package dev.turnstile.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a process tree's resource use from Linux's {@code /proc}: the root process and every
 * descendant alive at the moment of the sample, summed. Stateless and thread-safe.
 *
 * <p><b>CPU.</b> Per process, utime + stime + cutime + cstime of {@code /proc/PID/stat}. A child
 * that exits and is reaped moves its time into its parent's cutime/cstime, so the sum over the live
 * tree only grows and the difference of two samples is the tree's CPU between them, children that
 * came and went included. <b>Memory.</b> VmRSS and VmHWM (peak RSS) of {@code /proc/PID/status},
 * summed: pages shared between processes (the JVM's code, class data) count once per process.
 * A process that ends between listing and reading is left out of that sample. <b>Descriptors.</b>
 * When asked for ({@link Descriptors#COUNTED}: the soak does, the bench's cells do not, since
 * listing ten thousand descriptors every 100 ms would cost the server's measured CPU), the entries
 * of {@code /proc/PID/fd}, summed.
 */
final class ProcessTreeProbe {

    /** USER_HZ: the unit of the CPU fields in /proc/PID/stat; 100 on every Linux this runs on. */
    static final double CLOCK_TICKS_PER_SECOND = 100.0;

    /** Whether a sample counts open descriptors; {@link Sample#descriptors()} is 0 when not. */
    enum Descriptors { COUNTED, NOT_COUNTED }

    private final long rootPid;
    private final Descriptors descriptors;

    ProcessTreeProbe(long rootPid) {
        this(rootPid, Descriptors.NOT_COUNTED);
    }

    ProcessTreeProbe(long rootPid, Descriptors descriptors) {
        this.rootPid = rootPid;
        this.descriptors = descriptors;
    }

    /** One reading of the tree. */
    record Sample(long nanoTime, double cpuSeconds, long rssBytes, long hwmBytes, int threads, int processes,
                  int descriptors) {
    }

    /** Reads the tree now; a tree whose root has ended reads as zeros. */
    Sample sample() {
        List<Long> pids = new ArrayList<>();
        pids.add(rootPid);
        ProcessHandle.of(rootPid).ifPresent(root -> root.descendants().forEach(p -> pids.add(p.pid())));
        long ticks = 0;
        long rss = 0;
        long hwm = 0;
        int threads = 0;
        int processes = 0;
        int fds = 0;
        for (long pid : pids) {
            try {
                long cpu = cpuTicks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
                String status = Files.readString(Path.of("/proc", String.valueOf(pid), "status"));
                int open = descriptors == Descriptors.COUNTED ? openDescriptors(pid) : 0;
                ticks += cpu;
                fds += open;
                rss += kilobytes(status, "VmRSS:") * 1024;
                hwm += kilobytes(status, "VmHWM:") * 1024;
                threads += (int) kilobytes(status, "Threads:");
                processes++;
            } catch (NoSuchFileException e) {
                // ended between listing and reading: it is no longer part of the tree
            } catch (IOException e) {
                // a process that ends while its file is read fails the read with ESRCH ("No such process")
                boolean ended = !Files.exists(Path.of("/proc", String.valueOf(pid)))
                        || String.valueOf(e.getMessage()).contains("No such process");
                if (!ended) {
                    throw new IllegalStateException("cannot read /proc/" + pid + ": " + e.getMessage(), e);
                }
            }
        }
        return new Sample(System.nanoTime(), ticks / CLOCK_TICKS_PER_SECOND, rss, hwm, threads, processes, fds);
    }

    /** The entries of /proc/PID/fd: the process's open descriptors (sockets, files, pipes). */
    static int openDescriptors(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return (int) fds.count();
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the process ended while its descriptors were listed
        }
    }

    /** utime + stime + cutime + cstime (fields 14 to 17), read after the command's closing parenthesis. */
    static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state), so field N is fields[N - 3]
        long total = 0;
        for (int field = 14; field <= 17; field++) {
            total += Long.parseLong(fields[field - 3]);
        }
        return total;
    }

    /** The number after {@code key} in /proc/PID/status (kB for memory lines, a count for Threads), 0 if absent. */
    static long kilobytes(String status, String key) {
        int at = status.indexOf(key);
        if (at < 0) {
            return 0; // kernel threads and zombies have no Vm lines
        }
        int i = at + key.length();
        while (i < status.length() && (status.charAt(i) == ' ' || status.charAt(i) == '\t')) {
            i++;
        }
        long value = 0;
        while (i < status.length() && Character.isDigit(status.charAt(i))) {
            value = value * 10 + (status.charAt(i++) - '0');
        }
        return value;
    }
}
