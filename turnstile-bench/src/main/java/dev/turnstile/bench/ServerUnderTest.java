package dev.turnstile.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fresh server process for one cell: started from {@link ServerProcess}, ready once it printed
 * {@code listening on HOST:PORT (model NAME)}, stopped with SIGTERM and, if it has not ended
 * within the grace period, killed with its whole process tree. Its output goes to a log file.
 *
 * <p>Used by one thread (the cell's runner); the output copier is a thread of its own.
 */
final class ServerUnderTest implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+) \\(model (.+)\\)");

    private final Process process;
    private final String host;
    private final int port;
    private volatile boolean killOnClose; // set once by the owner before use

    private ServerUnderTest(Process process, String host, int port) {
        this.process = process;
        this.host = host;
        this.port = port;
    }

    /** Starts the server and waits until it listens; the log gets the command line and everything it prints. */
    static ServerUnderTest start(JavaProcess command, Path log) throws IOException, InterruptedException {
        return start(command.command(), log);
    }

    /**
     * As {@link #start(JavaProcess, Path)}, for any command line that ends in one: the evidence
     * report runs the JVM under {@code sh -c 'ulimit -n N; exec ...'} to give it a descriptor limit.
     */
    static ServerUnderTest start(List<String> command, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Matcher> listening = new CompletableFuture<>();
        PrintWriter logWriter = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
        logWriter.println("$ " + String.join(" ", command));
        Thread.ofPlatform().name("turnstile-bench-server-output").daemon().start(() -> {
            String last = null; // the server's last words, for the reason it did not start
            try (logWriter; BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    logWriter.println(line);
                    last = line;
                    Matcher m = LISTENING.matcher(line);
                    if (!listening.isDone() && m.find()) {
                        listening.complete(m);
                    }
                }
            } catch (IOException e) {
                logWriter.println("(output lost: " + e.getMessage() + ")");
            } finally {
                listening.completeExceptionally(new IOException("server exited before listening (exit status "
                        + exitStatus(process) + (last != null ? ", last output: " + last : "") + "); see " + log));
            }
        });
        try {
            Matcher m = listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new ServerUnderTest(process, m.group(1), Integer.parseInt(m.group(2)));
        } catch (ExecutionException e) {
            kill(process);
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            kill(process);
            throw new IOException("server did not print 'listening on' within " + START_TIMEOUT.toSeconds()
                    + " s; see " + log);
        }
    }

    long pid() {
        return process.pid();
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** Waits up to {@code limit} for the server process to end by itself; true if it did. */
    boolean awaitEnd(Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The server's descendants alive now (a process model's workers). */
    List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** How an ended server ended: "exit status 3", or "killed by signal 9" (an exit status above 128). */
    String ending() {
        if (process.isAlive()) {
            return "still running";
        }
        int status = process.exitValue();
        return status > 128 ? "killed by signal " + (status - 128) + " (exit status " + status + ")"
                : "exit status " + status;
    }

    /**
     * SIGTERM, then up to {@link #STOP_GRACE} for the drain; after that SIGKILL to the process and
     * every descendant. Returns a note on how it ended.
     */
    String stop() throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        process.destroy();
        if (process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            tree.forEach(ProcessHandle::destroyForcibly); // leftovers of a tree whose root has ended
            return "stopped on SIGTERM";
        }
        kill(process);
        return "killed: did not stop within " + STOP_GRACE.toSeconds() + " s of SIGTERM";
    }

    /** SIGKILL to the process and every descendant, at once: for a server a scenario has broken on purpose. */
    void killTree() throws InterruptedException {
        kill(process);
    }

    /**
     * Makes {@link #close} kill the tree at once instead of stopping it gracefully: for a server whose
     * drain is not what is measured (the evidence scenarios start dozens). Returns this server.
     */
    ServerUnderTest killOnClose() {
        killOnClose = true;
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        if (killOnClose) {
            kill(process);
        } else if (process.isAlive()) {
            stop();
        }
    }

    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String exitStatus(Process process) {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
