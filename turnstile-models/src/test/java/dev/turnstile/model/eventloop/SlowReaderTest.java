package dev.turnstile.model.eventloop;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.core.Server;
import dev.turnstile.echo.EchoUppercase;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
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

    private static LoopModel eventLoop() {
        return EventLoopTest.eventLoop(ModelOptions.none()
                .with("high-water", String.valueOf(HIGH_WATER)).with("low-water", String.valueOf(HIGH_WATER / 4)));
    }

    @Test
    void slowReaderStopsBeingReadWhileOthersAreServedAndLosesNoReply() throws Exception {
        LoopModel model = eventLoop();
        try (Server server = EventLoopTest.start(model, new EchoUppercase(), Duration.ofMinutes(1));
             SlowClient slow = new SlowClient(server.port(), 4096)) {
            LoopProbe probe = slow.sendUntilNotRead(model);
            assertThat(probe.maxUnsentBytes()).as("replies held for the slow reader")
                    .isGreaterThan(HIGH_WATER).isLessThanOrEqualTo(HIGH_WATER + SelectorLoop.READ_BUFFER_BYTES);

            try (LineClient other = LineClient.connect(server.port())) {
                assertEquals("SERVED", other.ask("served"));
            }
            LoopProbe later = model.group().probe(Duration.ofSeconds(5)).getFirst();
            assertThat(later.readPaused()).as("still not read").isEqualTo(1);
            assertThat(later.maxUnsentBytes()).isLessThanOrEqualTo(HIGH_WATER + SelectorLoop.READ_BUFFER_BYTES);

            // Now read: reading resumes below the low-water mark and every reply arrives, in order.
            CompletableFuture<Long> replies = slow.readRepliesToEnd();
            long lines = slow.finishSending();
            assertEquals(lines, replies.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void forcedStopWritesTheRepliesInHandBeforeClosing() throws Exception {
        LoopModel model = eventLoop();
        Server server = EventLoopTest.start(model, new EchoUppercase(), Duration.ofMinutes(1));
        // The default receive buffer: a tiny one fills sooner, but reopening it waits on TCP's zero-window
        // probes, which could outlast the one second the replies in hand are given.
        try (SlowClient slow = new SlowClient(server.port(), 0)) {
            slow.sendUntilNotRead(model);
            CompletableFuture<ShutdownReport> stop = onNewThread(() -> server.stop(Duration.ofMillis(100)));
            Poll.until("the grace to end and the busy connection to be asked to close after its replies",
                    Duration.ofSeconds(10), () -> model.group().probe(Duration.ofSeconds(5)).getFirst().stopping() == 1);
            CompletableFuture<Long> replies = slow.readRepliesToEnd(); // within the second the replies in hand get

            ShutdownReport report = stop.get(15, TimeUnit.SECONDS);
            assertThat(report.forced()).isEqualTo(1);
            assertThat(report.stragglers()).as("nothing had to be cut off").isEmpty();
            assertEquals(server.snapshot().messages(), replies.get(10, TimeUnit.SECONDS),
                    "a reply for every message the server handled");
        } finally {
            server.close();
        }
    }

    /** Runs {@code work} on a thread of its own (the common pool may have a single thread, busy with another wait). */
    private static <T> CompletableFuture<T> onNewThread(java.util.function.Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().name("slow-reader-test").start(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** A client that writes lines without reading, until the server stops reading it; then reads everything back. */
    private static final class SlowClient implements AutoCloseable {

        private final SocketChannel channel;
        private final ByteBuffer line =
                ByteBuffer.wrap(("x".repeat(LINE - 1) + "\n").getBytes(StandardCharsets.US_ASCII));
        private long sent; // whole lines written

        /** @param receiveBuffer SO_RCVBUF to ask for, or 0 for the system's */
        SlowClient(int port, int receiveBuffer) throws IOException {
            channel = SocketChannel.open();
            if (receiveBuffer > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
            }
            channel.connect(new InetSocketAddress("127.0.0.1", port));
            channel.configureBlocking(false);
        }

        /** Writes lines until every buffer on the way is full and the loop has paused reading us. */
        LoopProbe sendUntilNotRead(LoopModel model) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                if (System.nanoTime() - deadline > 0) {
                    fail("the server never stopped reading the slow connection; sent " + sent + " lines");
                }
                if (channel.write(line) == 0) { // nothing taken: is it because the loop paused?
                    LoopProbe probe = model.group().probe(Duration.ofSeconds(5)).getFirst();
                    if (probe.readPaused() == 1) {
                        return probe;
                    }
                    LockSupport.parkNanos(1_000_000);
                } else if (!line.hasRemaining()) {
                    sent++;
                    line.rewind();
                }
            }
        }

        /** Starts reading every reply until end of stream, checking every byte; completes with the line count. */
        CompletableFuture<Long> readRepliesToEnd() throws IOException {
            channel.configureBlocking(true);
            return onNewThread(this::readReplies);
        }

        /** Finishes the line in progress (blocking) and shuts output; returns the lines sent in all. */
        long finishSending() throws IOException {
            if (line.position() > 0) {
                while (line.hasRemaining()) {
                    channel.write(line);
                }
                sent++;
            }
            channel.shutdownOutput();
            return sent;
        }

        private long readReplies() {
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

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
