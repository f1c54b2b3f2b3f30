package dev.turnstile.model.eventloop;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.core.Server;
import dev.turnstile.echo.EchoUppercase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Backpressure: a client that sends much and reads nothing makes the loop stop reading it once
 * its unsent replies pass the high-water mark, so the server holds a bounded amount for it; other
 * connections are still served; once the client reads, every reply arrives.
 */
@Timeout(60)
class SlowReaderTest {

    private static final int HIGH_WATER = 64 * 1024;
    private static final int LINE = 100;

    @Test
    void slowReaderStopsBeingReadWhileOthersAreServedAndLosesNoReply() throws Exception {
        LoopModel model = EventLoopTest.eventLoop(ModelOptions.none()
                .with("high-water", String.valueOf(HIGH_WATER)).with("low-water", String.valueOf(HIGH_WATER / 4)));
        try (Server server = EventLoopTest.start(model, new EchoUppercase(), Duration.ofMinutes(1));
             SocketChannel slow = SocketChannel.open()) {
            slow.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
            slow.configureBlocking(false);

            ByteBuffer line = ByteBuffer.wrap(("x".repeat(LINE - 1) + "\n").getBytes(StandardCharsets.US_ASCII));
            long sent = 0;
            LoopProbe probe = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (probe == null || probe.readPaused() == 0) {
                if (System.nanoTime() - deadline > 0) {
                    fail("the server never stopped reading the slow connection; sent " + sent + " lines");
                }
                if (slow.write(line) == 0) { // every buffer on the way is full: is it because the loop paused?
                    probe = model.group().probe(Duration.ofSeconds(5)).getFirst();
                    LockSupport.parkNanos(1_000_000);
                } else if (!line.hasRemaining()) {
                    sent++;
                    line.rewind();
                }
            }
            assertThat(probe.maxUnsentBytes()).as("replies held for the slow reader")
                    .isGreaterThan(HIGH_WATER).isLessThanOrEqualTo(HIGH_WATER + SelectorLoop.READ_BUFFER_BYTES);

            try (Peer other = new Peer(server.port())) {
                assertEquals("SERVED", other.ask("served"));
            }
            LoopProbe later = model.group().probe(Duration.ofSeconds(5)).getFirst();
            assertThat(later.readPaused()).as("still not read").isEqualTo(1);
            assertThat(later.maxUnsentBytes()).isEqualTo(probe.maxUnsentBytes());

            // Now read: reading resumes below the low-water mark and every reply arrives, in order.
            slow.configureBlocking(true);
            CompletableFuture<Long> replies = CompletableFuture.supplyAsync(() -> readReplies(slow));
            while (line.position() > 0 && line.hasRemaining()) {
                slow.write(line);
            }
            long lines = line.position() > 0 ? sent + 1 : sent;
            slow.shutdownOutput();
            assertEquals(lines, replies.get(30, TimeUnit.SECONDS));
        }
    }

    /** Reads until end of stream, checking every byte; returns the number of reply lines. */
    private static long readReplies(SocketChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long bytes = 0;
        try {
            while (channel.read(buffer.clear()) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    byte expected = bytes % LINE == LINE - 1 ? (byte) '\n' : (byte) 'X';
                    if (b != expected) {
                        throw new AssertionError("byte " + bytes + " is " + b + ", expected " + expected);
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
