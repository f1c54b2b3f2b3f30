package dev.turnstile.loadgen;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Runs load against a server on this machine and returns what it measured: the public entry
 * point that the command line, the benchmark and the tests share.
 *
 * <pre>{@code
 * LoadResult r = LoadGenerator.run(LoadOptions.builder().port(server.port()).connections(100)
 *         .duration(Duration.ofSeconds(5)).build());
 * System.out.print(Summary.render(r));
 * }</pre>
 *
 * <p>With {@code processes > 1} the connections are spread over that many child JVMs that start
 * together and whose results are merged exactly. Thread-safe: runs share no state.
 *
 * <p><b>JVM flag.</b> The engine allocates nothing per message, but the JDK's selector boxes each
 * ready descriptor number to find its key, which allocates 16 bytes per event once descriptors
 * pass 127. Run the JVM with {@link #RECOMMENDED_JVM_FLAG}, so that the Integer cache covers every
 * descriptor and a run creates no garbage at all (child processes get it automatically).
 */
public final class LoadGenerator {

    /** Widens the Integer cache past any descriptor number (the hard limit here is 20,000). */
    public static final String RECOMMENDED_JVM_FLAG = "-XX:AutoBoxCacheMax=65536";

    /** Descriptors a JVM holds besides the connections: jars, selectors, pipes, standard streams. */
    static final int RESERVED_DESCRIPTORS = 200;

    private LoadGenerator() {
    }

    /** Runs without progress output. */
    public static LoadResult run(LoadOptions options) throws IOException, InterruptedException {
        return run(options, ProgressListener.NONE);
    }

    /**
     * Runs, giving {@code progress} a sample once a second.
     *
     * @throws IllegalArgumentException the connections do not fit the descriptor limit of one process
     * @throws IOException              the run could not be carried out (a loop or child process failed);
     *                                  errors of the server under test are counted in the result instead
     */
    public static LoadResult run(LoadOptions options, ProgressListener progress)
            throws IOException, InterruptedException {
        int perProcess = (options.connections() + options.processes() - 1) / options.processes();
        requireDescriptors(perProcess, options.processes());
        if (options.processes() > 1) {
            return new ProcessFanOut(options, progress).run();
        }
        return new LoadRun(options, progress, StartGate.OPEN).run();
    }

    /** Refuses up front a process share that would run out of file descriptors half way through. */
    static void requireDescriptors(int connectionsPerProcess, int processes) {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os)) {
            return;
        }
        long usable = os.getMaxFileDescriptorCount() - RESERVED_DESCRIPTORS;
        if (connectionsPerProcess > usable) {
            long total = (long) connectionsPerProcess * processes;
            long needed = (total + usable - 1) / usable;
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "connections: %,d per process do not fit in the %,d file descriptors a process may open here; "
                            + "spread them with --processes %d", connectionsPerProcess,
                    os.getMaxFileDescriptorCount(), needed));
        }
    }
}
