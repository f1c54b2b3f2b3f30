package dev.turnstile.cli;

import dev.turnstile.testing.Poll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.fail;

/**
 * A real {@code turnstile serve} in its own JVM (this test JVM's java and class path), possibly
 * under a launcher such as {@code systemd-socket-activate}, its output (stdout and stderr
 * together) going to a file that {@link #awaitLine} reads. A file, not a pipe: the JDK drains a
 * pipe into a buffer of its own when the process exits, and a reader blocked on the pipe then
 * loses the last lines, the very ones a test of the stop looks for. {@link #close} kills
 * whatever is still running, the process's descendants included.
 *
 * <p>Not thread-safe: one test thread.
 */
final class ServeProcess implements AutoCloseable {

    private final Process process;
    private final Path output;
    private int next; // the first line awaitLine has not matched or passed

    private ServeProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** {@code java -cp <this class path> dev.turnstile.cli.Turnstile serve <args>}. */
    static List<String> javaServe(List<String> args) {
        List<String> c = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Turnstile.class.getName(), "serve"));
        c.addAll(args);
        return c;
    }

    /** Starts {@code command}, its output into {@code output}. */
    static ServeProcess start(List<String> command, Map<String, String> environment, Path output) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        b.environment().putAll(environment);
        return new ServeProcess(b.start(), output);
    }

    /**
     * Waits for a line matching {@code pattern} (found anywhere in it) after the last line matched
     * so far, and returns the match.
     */
    Matcher awaitLine(String pattern, Duration timeout) {
        Pattern p = Pattern.compile(pattern);
        Optional<Matcher> found = Poll.until("a line matching '" + pattern + "' in the output of serve", timeout,
                () -> find(p), m -> m.isPresent() || !process.isAlive());
        if (found.isEmpty()) {
            found = find(p); // exited: the file is complete now, as the process wrote it directly
        }
        if (found.isEmpty()) {
            return fail("serve exited (status " + process.exitValue() + ") with no line matching '" + pattern
                    + "'; output:\n" + output());
        }
        return found.get();
    }

    private Optional<Matcher> find(Pattern p) {
        List<String> lines = lines();
        for (int i = next; i < lines.size(); i++) {
            Matcher m = p.matcher(lines.get(i));
            if (m.find()) {
                next = i + 1;
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    private List<String> lines() {
        try {
            return Files.readAllLines(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything printed so far, long lines (class paths) cut. */
    String output() {
        return String.join("\n", lines().stream().map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l).toList());
    }

    Process process() {
        return process;
    }

    /** SIGTERM, as systemd stops a unit, and the exit status; fails if it takes longer than {@code timeout}. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("serve did not exit within " + timeout + " of SIGTERM; output:\n" + output());
        }
        return process.exitValue();
    }

    /** A port nobody listens on right now (the kernel's pick, released). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
