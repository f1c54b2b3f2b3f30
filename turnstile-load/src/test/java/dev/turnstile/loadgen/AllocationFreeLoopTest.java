package dev.turnstile.loadgen;

import dev.turnstile.api.Framing;
import dev.turnstile.core.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the engine's central promise: in steady ping-pong the loop thread allocates nothing per
 * message, so the load generator's own garbage collection never shows up in a server's latency.
 * 200 connections, so that descriptors run past the JDK's small-Integer cache (a selector that
 * boxed its file descriptors would show here).
 */
@Timeout(60)
class AllocationFreeLoopTest {

    private record Tick(long messages, long allocatedBytes) {
    }

    @Test
    void steadyPingPongAllocatesNothingPerMessage() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Tick> ticks = new ArrayList<>();
        try (Server server = TestServers.echo(Framing.LINE)) {
            LoadResult r = LoadGenerator.run(TestServers.against(server).connections(200).threads(1)
                    .duration(Duration.ofSeconds(4)).build(), sample -> {
                Thread loop = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("turnstile-load-loop-0")).findFirst().orElseThrow();
                ticks.add(new Tick(sample.messages(), threads.getThreadAllocatedBytes(loop.threadId())));
            });
            assertThat(r.ok()).isTrue();
        }
        assertThat(ticks).hasSizeGreaterThanOrEqualTo(3);
        Tick from = ticks.get(1);  // after the first second: past class loading and the first compilations
        Tick to = ticks.getLast();
        long messages = to.messages() - from.messages();
        long bytes = to.allocatedBytes() - from.allocatedBytes();
        assertThat(messages).isGreaterThan(1_000);
        assertThat((double) bytes / messages).as("bytes allocated per message (%d bytes over %d messages)", bytes, messages)
                .isLessThan(1.0);
    }
}
