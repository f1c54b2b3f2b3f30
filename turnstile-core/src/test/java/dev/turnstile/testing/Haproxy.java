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
    /** Written in a configuration where the admin socket goes ({@code stats socket @ADMIN_SOCKET@ level admin}); see {@link #command}. */
    public static final String ADMIN_SOCKET = "@ADMIN_SOCKET@";

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
            Files.writeString(cfg, config.replace(ADMIN_SOCKET, directory.resolve("admin.sock").toString()),
                    StandardCharsets.US_ASCII);
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

    private Path adminSocket() {
        return directory.resolve("admin.sock");
    }

    /**
     * Sends one command to HAProxy's runtime API (the configuration must declare
     * {@code stats socket @ADMIN_SOCKET@ level admin}) and returns the answer, such as {@code set server turnstile/s0 state maint} or
     * {@code show stat}.
     */
    public String command(String command) {
        try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(adminSocket()))) {
            channel.write(java.nio.ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) { // HAProxy closes after one command
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.US_ASCII);
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
