package dev.turnstile.model.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A {@link ServeMain} in a JVM of its own, started with ProcessBuilder and always destroyed on close. */
public final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final int port;

    private ServerProcess(Process process, BufferedReader out, int port) {
        this.process = process;
        this.out = out;
        this.port = port;
    }

    /** Starts {@code model} serving {@code service}; waits (up to 60 s) for its "listening on" line. */
    public static ServerProcess start(String model, Class<?> service, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), ServeMain.class.getName(), model, service.getName()));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        if (line == null || !line.startsWith("listening on ")) {
            p.destroyForcibly();
            throw new IllegalStateException("server did not start: " + line);
        }
        return new ServerProcess(p, out, Integer.parseInt(line.substring("listening on ".length()).trim()));
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** Waits for the process to exit; returns its exit code. */
    public int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("server process " + process.pid() + " did not exit within " + limit);
        }
        return process.exitValue();
    }

    /** The rest of its stdout, once it has exited. */
    public String remainingOutput() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l; (l = out.readLine()) != null; ) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
