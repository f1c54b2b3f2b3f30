package dev.turnstile.model.eventloop;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.core.Server;
import dev.turnstile.echo.EchoUppercase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loop's echo path allocates nothing per message once warm: reads go into the loop's
 * buffer, replies into its staging buffer, and the conversation is its own sink. Measured as the
 * bytes the loop thread allocates per message over many pipelined messages, so the JDK
 * selector's one boxed descriptor per ready event (not ours) is spread over a hundred messages.
 */
@Timeout(60)
class AllocationTest {

    private static final int LINES_PER_BATCH = 100;

    @Test
    void echoPathAllocatesNothingPerMessageOnceWarm() throws Exception {
        LoopModel model = EventLoopTest.eventLoop(ModelOptions.none());
        try (Server server = EventLoopTest.start(model, new EchoUppercase(), Duration.ofMinutes(1));
             SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < LINES_PER_BATCH; i++) {
                lines.append("why not? message ").append(1000 + i).append('\n');
            }
            ByteBuffer batch = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII));
            ByteBuffer replies = ByteBuffer.allocate(batch.capacity());
            byte[] expected = lines.toString().toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);

            exchange(client, batch, replies, expected, 3_000); // warm up: the JIT compiles the path
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long loopThread = model.group().loop(0).thread().threadId();
            long before = threads.getThreadAllocatedBytes(loopThread);
            int batches = 2_000;
            exchange(client, batch, replies, expected, batches);
            long allocated = threads.getThreadAllocatedBytes(loopThread) - before;

            double perMessage = allocated / (double) (batches * LINES_PER_BATCH);
            System.out.printf("event-loop echo path: %d bytes allocated by the loop over %d messages, %.4f per message%n",
                    allocated, batches * LINES_PER_BATCH, perMessage);
            assertThat(perMessage).as("bytes the loop allocated per message (%d in all)", allocated).isLessThan(1.0);
        }
    }

    /** Sends the batch {@code times} times, each time reading and checking every reply. */
    private static void exchange(SocketChannel client, ByteBuffer batch, ByteBuffer replies, byte[] expected, int times)
            throws IOException {
        for (int t = 0; t < times; t++) {
            client.write(batch.rewind());
            replies.clear();
            while (replies.hasRemaining()) {
                if (client.read(replies) < 0) {
                    throw new IOException("closed by the server");
                }
            }
            assertThat(replies.array()).isEqualTo(expected);
        }
    }
}
