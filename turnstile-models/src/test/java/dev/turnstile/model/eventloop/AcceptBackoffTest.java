package dev.turnstile.model.eventloop;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.core.Server;
import dev.turnstile.core.Sockets;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Out of descriptors, accept() fails while the listener stays ready: the loop must drop OP_ACCEPT
 * for a backoff pause rather than spin, keep serving, and accept again once descriptors are back.
 */
@Timeout(60)
class AcceptBackoffTest {

    @Test
    void outOfDescriptorsPausesAcceptingInsteadOfSpinningAndRecovers() throws Exception {
        LoopModel model = EventLoopTest.eventLoop(ModelOptions.none());
        try (Server server = EventLoopTest.start(model, new GatedEcho(), Duration.ofMinutes(1));
             LineClient before = LineClient.connect(server.port())) {
            assertEquals("WARM", before.ask("warm"));
            // Load now every class used below: loading one later needs a descriptor too.
            Poll.until("no failure yet", Duration.ofSeconds(5), () -> failures(model) == 0);
            assertThat(Duration.ZERO).as("warm-up").isGreaterThanOrEqualTo(Duration.ZERO);
            List<FileChannel> hoard = new ArrayList<>();
            LineClient late = null;
            try {
                hoardAllDescriptors(hoard);
                Sockets.closeQuietly(hoard.removeLast()); // exactly one left: the client's socket takes it
                late = LineClient.connect(server.port());           // connected in the kernel; the server cannot accept it

                Poll.until("accept fails", Duration.ofSeconds(10), () -> failures(model) >= 1);
                long firstFailure = System.nanoTime();
                Poll.until("accept is retried", Duration.ofSeconds(10), () -> failures(model) >= 4);
                assertThat(Duration.ofNanos(System.nanoTime() - firstFailure))
                        .as("three retries wait out pauses of 5, 10 and 20 ms (measured loosely), instead of spinning")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(15));
                assertEquals("STILL SERVED", before.ask("still served"), "open connections are served meanwhile");
                hoard.forEach(Sockets::closeQuietly);
                assertEquals("ACCEPTED AT LAST", late.ask("accepted at last"));
                assertThat(failures(model)).isLessThan(20);
            } finally {
                hoard.forEach(Sockets::closeQuietly);
                if (late != null) {
                    late.close();
                }
            }
        }
    }

    private static long failures(LoopModel model) {
        return model.group().probe(Duration.ofSeconds(5)).getFirst().acceptFailures();
    }

    /** Opens /dev/null until the process is out of descriptors. */
    private static void hoardAllDescriptors(List<FileChannel> hoard) {
        Path devNull = Path.of("/dev/null");
        while (hoard.size() < 100_000) {
            try {
                hoard.add(FileChannel.open(devNull));
            } catch (IOException e) {
                if (hoard.isEmpty()) {
                    throw new IllegalStateException("cannot open /dev/null", e);
                }
                return; // "Too many open files"
            }
        }
        throw new IllegalStateException("no descriptor limit below 100000; cannot run out");
    }
}
