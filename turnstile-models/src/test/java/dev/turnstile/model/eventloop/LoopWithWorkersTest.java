package dev.turnstile.model.eventloop;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.core.Server;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class LoopWithWorkersTest {

    private static LoopModel withWorkers(int loops, int workers) {
        return (LoopModel) new LoopWithWorkersProvider().create(ModelOptions.none().withWorkers(workers)
                .with("loops", String.valueOf(loops)));
    }

    @Test
    void blockingHandlerHoldsOnlyItsWorker() throws Exception {
        GatedEcho service = new GatedEcho();
        try (Server server = EventLoopTest.start(withWorkers(1, 2), service, Duration.ofMinutes(1));
             LineClient blocker = LineClient.connect(server.port()); LineClient other = LineClient.connect(server.port())) {
            blocker.send("block\n");
            assertTrue(service.entered.await(5, TimeUnit.SECONDS));
            assertEquals("FREE", other.ask("free"), "served by the other worker, on the same loop");
            service.release.countDown();
            assertEquals("BLOCK", blocker.readLine());
        } finally {
            service.release.countDown();
        }
    }

    @Test
    void repliesOfEachConnectionKeepTheirOrder() throws Exception {
        int perConnection = 2_000;
        try (Server server = EventLoopTest.start(withWorkers(2, 4), new GatedEcho(), Duration.ofMinutes(1))) {
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int client = c;
                clients.add(CompletableFuture.runAsync(() -> {
                    try (LineClient peer = LineClient.connect(server.port())) {
                        StringBuilder batch = new StringBuilder();
                        for (int i = 0; i < perConnection; i++) {
                            batch.append("c").append(client).append(" m").append(i).append('\n');
                        }
                        peer.send(batch.toString()); // pipelined: many batches reach the workers
                        for (int i = 0; i < perConnection; i++) {
                            assertEquals("C" + client + " M" + i, peer.readLine());
                        }
                    }
                }));
            }
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(server.snapshot().messages()).isEqualTo(4L * perConnection);
        }
    }

    @Test
    void throwingHandlerClosesOnlyItsConnection() throws Exception {
        try (Server server = EventLoopTest.start(withWorkers(1, 2), new GatedEcho(), Duration.ofMinutes(1));
             LineClient victim = LineClient.connect(server.port()); LineClient other = LineClient.connect(server.port())) {
            victim.send("boom\n");
            assertTrue(victim.closedByServer());
            assertEquals("STILL HERE", other.ask("still here"));
            Poll.until("the close is counted as a server error", Duration.ofSeconds(5),
                    () -> server.snapshot().closedFor(CloseReason.SERVER_ERROR) == 1);
        }
    }

    @Test
    void stopInterruptsAHandlerStillRunningAndNamesIt() throws Exception {
        GatedEcho service = new GatedEcho();
        Server server = EventLoopTest.start(withWorkers(1, 2), service, Duration.ofMinutes(1));
        try (LineClient stuck = LineClient.connect(server.port()); LineClient idle = LineClient.connect(server.port())) {
            assertEquals("IDLE", idle.ask("idle"));
            stuck.send("block\n");
            assertTrue(service.entered.await(5, TimeUnit.SECONDS));
            ShutdownReport report = server.stop(Duration.ofMillis(100));
            assertThat(report.forced()).isEqualTo(2);
            assertThat(report.stragglers()).anyMatch(s -> s.contains("handler still running on turnstile-worker-")
                    && s.contains("GatedEcho"));
            assertThat(report.took()).isLessThan(Duration.ofSeconds(8));
            assertTrue(idle.closedByServer());
            assertTrue(stuck.closedByServer());
        } finally {
            service.release.countDown();
            server.close();
        }
    }
}
