package dev.turnstile.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * A real HAProxy (Debian's {@code haproxy}) for a test: writes the configuration it is given to
 * a temporary directory, runs {@code haproxy -f cfg -db} in the foreground, waits until every
 * frontend port accepts, and stops it (SIGTERM, then SIGKILL) on {@link #close}. Does not skip when
 * haproxy is missing: {@code scripts/install-test-tools} installs it, so a missing one is a broken
 * setup and fails the test saying what to install. Not thread-safe.
 */
public final class Haproxy implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/haproxy");

    private final Process process;
    private final Path directory;

    private Haproxy(Process process, Path directory) {
        this.process = process;
        this.directory = directory;
    }

    /** Starts HAProxy with {@code config}; {@code frontendPorts} are the loopback ports it binds, awaited. */
    public static Haproxy start(String config, List<Integer> frontendPorts) {
        if (!Files.isExecutable(BINARY)) {
            fail(BINARY + " not found: install Debian's haproxy (scripts/install-test-tools, or apt-get install -y haproxy)");
        }
        try {
            Path directory = Files.createTempDirectory("turnstile-haproxy");
            Path cfg = directory.resolve("haproxy.cfg");
            Files.writeString(cfg, config, StandardCharsets.US_ASCII);
            Process process = new ProcessBuilder(BINARY.toString(), "-f", cfg.toString(), "-db")
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("haproxy.log").toFile())
                    .start();
            Haproxy haproxy = new Haproxy(process, directory);
            try {
                for (int port : frontendPorts) {
                    Poll.until("haproxy listening on " + port + " (log: " + directory.resolve("haproxy.log") + ")",
                            Duration.ofSeconds(10), () -> process.isAlive() && LineClient.canConnect(port));
                }
            } catch (RuntimeException | Error e) {
                haproxy.close();
                throw new AssertionError("haproxy did not start: " + haproxy.log(), e);
            }
            return haproxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback port free now (bound and released): for a frontend in the configuration. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What haproxy printed so far. */
    public String log() {
        try {
            return Files.readString(directory.resolve("haproxy.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
