package dev.turnstile.model.eventloop;

import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.core.Server;
import dev.turnstile.echo.EchoUppercase;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import dev.turnstile.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Backpressure over TLS, as {@link SlowReaderTest} in plaintext: a TLS client that sends much and
 * reads nothing makes the loop stop reading it once its unsent replies pass the high-water mark
 * (the engine encrypts no more while its ciphertext waits, so the plaintext replies stay counted
 * and bounded); others are still served; once the client reads, every reply arrives in order.
 */
@Timeout(90)
class TlsSlowReaderTest {

    private static final int HIGH_WATER = 64 * 1024;
    private static final int LINE = 100;

    @TempDir
    static Path dir;
    static TestCertificates certificates;

    @BeforeAll
    static void certificates() {
        certificates = TestCertificates.create(dir);
    }

    @Test
    void aSlowTlsReaderIsPausedBoundedAndLosesNoReply() throws Exception {
        LoopModel model = EventLoopTest.eventLoop(ModelOptions.none()
                .with("high-water", String.valueOf(HIGH_WATER)).with("low-water", String.valueOf(HIGH_WATER / 4)));
        try (Server server = Server.builder().model(model).service(new EchoUppercase()).framing(Framing.LINE).port(0)
                .idleTimeout(Duration.ofMinutes(1)).tls(certificates.pem()).start()) {
            SSLSocket socket = (SSLSocket) certificates.clientContext().getSocketFactory().createSocket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            socket.startHandshake();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(socket, stop, sent),
                    r -> Thread.ofPlatform().name("tls-slow-writer").start(r));

            LoopProbe paused = Poll.until("the loop to stop reading the slow TLS client", Duration.ofSeconds(30),
                    () -> model.group().probe(Duration.ofSeconds(5)).getFirst(), p -> p.readPaused() == 1);
            assertThat(paused.maxUnsentBytes()).as("replies held for the slow reader")
                    .isGreaterThan(HIGH_WATER).isLessThanOrEqualTo(HIGH_WATER + SelectorLoop.READ_BUFFER_BYTES);
            try (LineClient other = certificates.connect(server.port())) {
                assertEquals("SERVED", other.ask("served"));
            }
            LoopProbe later = model.group().probe(Duration.ofSeconds(5)).getFirst();
            assertThat(later.readPaused()).as("still not read").isEqualTo(1);
            assertThat(later.maxUnsentBytes()).isLessThanOrEqualTo(HIGH_WATER + SelectorLoop.READ_BUFFER_BYTES);

            CompletableFuture<Long> replies = CompletableFuture.supplyAsync(() -> readReplies(socket),
                    r -> Thread.ofPlatform().name("tls-slow-reader").start(r));
            stop.set(true);
            writer.get(30, TimeUnit.SECONDS);
            assertEquals(sent.get(), replies.get(30, TimeUnit.SECONDS));
            socket.close();
        }
    }

    /** Writes lines until told to stop (blocking while the server does not read), then half-closes. */
    private static void write(SSLSocket socket, AtomicBoolean stop, AtomicLong sent) {
        byte[] line = ("x".repeat(LINE - 1) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            OutputStream out = socket.getOutputStream();
            while (!stop.get()) {
                out.write(line);
                sent.incrementAndGet();
            }
            socket.shutdownOutput(); // TLS 1.3: close_notify, the server still answers what it has
        } catch (IOException e) {
            throw new AssertionError("writing failed after " + sent.get() + " lines", e);
        }
    }

    private static long readReplies(SSLSocket socket) {
        byte[] buffer = new byte[64 * 1024];
        long bytes = 0;
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    byte expected = bytes % LINE == LINE - 1 ? (byte) '\n' : (byte) 'X';
                    if (buffer[i] != expected) {
                        throw new AssertionError("byte " + bytes + " is " + buffer[i] + ", expected " + expected);
                    }
                    bytes++;
                }
            }
        } catch (IOException e) {
            throw new AssertionError("reading replies failed after " + bytes + " bytes", e);
        }
        if (bytes % LINE != 0) {
            throw new AssertionError("replies end mid-line after " + bytes + " bytes");
        }
        return bytes / LINE;
    }
}
