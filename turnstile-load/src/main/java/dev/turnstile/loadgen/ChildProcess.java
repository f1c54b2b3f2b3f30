package dev.turnstile.loadgen;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One child JVM of a {@code --processes} run, seen from the parent: starts it with the parent's
 * class path and memory flags, reads its line protocol (see {@link LoadChild}) on a thread of its
 * own, and tells it when to go.
 *
 * <p><b>Thread-safety.</b> The reader thread writes the live figures (volatile, or guarded by
 * {@code this} for the histogram); the parent's thread calls the rest.
 */
final class ChildProcess implements ProgressSource {

    private final int index;
    private final Process process;
    private final CountDownLatch ready = new CountDownLatch(1);        // counted down on "ready" or on any end
    private final CompletableFuture<LoadResult> result = new CompletableFuture<>();
    private final Histogram recent = Latency.newHistogram();           // guarded by this
    private volatile long messages;
    private volatile long open;
    private volatile ErrorCounts errors = ErrorCounts.NONE;

    private ChildProcess(int index, Process process) {
        this.index = index;
        this.process = process;
        Thread.ofPlatform().name("turnstile-load-child-" + index).daemon().start(this::readReports);
    }

    /** Starts child {@code index} running {@code share}; its standard error goes to ours. */
    static ChildProcess start(int index, LoadOptions share) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("--enable-native-access=ALL-UNNAMED"); // the loops' downcalls (turnstile-posix), on the class path
        command.addAll(jvmFlags());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LoadChild.class.getName());
        command.addAll(ChildArguments.encode(share));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new ChildProcess(index, p);
    }

    /**
     * The parent's heap, stack and -XX flags, so the children run like the parent (no agents),
     * and {@link LoadGenerator#RECOMMENDED_JVM_FLAG} if the parent lacks it.
     */
    private static List<String> jvmFlags() {
        List<String> flags = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            boolean memoryOrVm = arg.startsWith("-Xmx") || arg.startsWith("-Xms") || arg.startsWith("-Xss")
                    || arg.startsWith("-XX:");
            if (memoryOrVm && !arg.toLowerCase(Locale.ROOT).contains("agent")) {
                flags.add(arg);
            }
        }
        if (flags.stream().noneMatch(f -> f.startsWith("-XX:AutoBoxCacheMax="))) {
            flags.add(LoadGenerator.RECOMMENDED_JVM_FLAG);
        }
        return flags;
    }

    private void readReports() {
        String lastError = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int space = line.indexOf(' ');
                String kind = space < 0 ? line : line.substring(0, space);
                String rest = space < 0 ? "" : line.substring(space + 1);
                switch (kind) {
                    case "ready" -> {
                        open = Long.parseLong(rest.strip());
                        ready.countDown();
                    }
                    case "progress" -> progress(rest.split(" "));
                    case "result" -> result.complete(LoadResult.fromJson(rest));
                    case "error" -> lastError = rest;
                    default -> lastError = "unexpected output: " + line;
                }
            }
        } catch (IOException | RuntimeException e) {
            lastError = "cannot read its reports: " + e;
        } finally {
            String why = lastError;
            if (!result.isDone()) {
                int status = exitStatus();
                result.completeExceptionally(new IOException("load process " + index + " ended"
                        + (status >= 0 ? " with exit status " + status : "") + " without a result"
                        + (why != null ? ": " + why : "")));
            }
            ready.countDown();
        }
    }

    private void progress(String[] f) {
        messages = Long.parseLong(f[0]);
        open = Long.parseLong(f[1]);
        errors = new ErrorCounts(Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                Long.parseLong(f[5]), Long.parseLong(f[6]));
        Histogram interval = Latency.decode(f[7]);
        synchronized (this) {
            recent.add(interval);
        }
    }

    private int exitStatus() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits until the child has connected; throws if it ended first or the deadline passed. */
    void awaitReady(long deadlineNanos) throws IOException, InterruptedException {
        if (!ready.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new IOException("load process " + index + " did not finish connecting in time");
        }
        if (result.isCompletedExceptionally()) {
            resultBy(System.nanoTime());  // throws the child's failure
        }
    }

    /** Tells the child to start. */
    void go() throws IOException {
        OutputStream stdin = process.getOutputStream();
        stdin.write("go\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
    }

    /** The child's result, or its failure, waiting at most until the deadline. */
    LoadResult resultBy(long deadlineNanos) throws IOException, InterruptedException {
        try {
            return result.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IOException("load process " + index + " did not finish in time");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Ends the child if it still runs: politely, then by force. Safe from any thread, many times. */
    void destroy() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long messages() {
        return messages;
    }

    @Override
    public long open() {
        return open;
    }

    @Override
    public ErrorCounts errors() {
        return errors;
    }

    @Override
    public synchronized void drainRecentLatency(Histogram into) {
        into.add(recent);
        recent.reset();
    }
}
