package dev.turnstile.model.eventloop;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.core.Server;
import dev.turnstile.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
             Peer blocker = new Peer(server.port()); Peer other = new Peer(server.port())) {
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
                    try (Peer peer = new Peer(server.port())) {
                        StringBuilder batch = new StringBuilder();
                        for (int i = 0; i < perConnection; i++) {
                            batch.append("c").append(client).append(" m").append(i).append('\n');
                        }
                        peer.send(batch.toString()); // pipelined: many batches reach the workers
                        for (int i = 0; i < perConnection; i++) {
                            assertEquals("C" + client + " M" + i, peer.readLine());
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
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
             Peer victim = new Peer(server.port()); Peer other = new Peer(server.port())) {
            victim.send("boom\n");
            assertNull(victim.readLine());
            assertEquals("STILL HERE", other.ask("still here"));
            Poll.until("the close is counted as a server error", Duration.ofSeconds(5),
                    () -> server.snapshot().closedFor(CloseReason.SERVER_ERROR) == 1);
        }
    }

    @Test
    void stopInterruptsAHandlerStillRunningAndNamesIt() throws Exception {
        GatedEcho service = new GatedEcho();
        Server server = EventLoopTest.start(withWorkers(1, 2), service, Duration.ofMinutes(1));
        try (Peer stuck = new Peer(server.port()); Peer idle = new Peer(server.port())) {
            assertEquals("IDLE", idle.ask("idle"));
            stuck.send("block\n");
            assertTrue(service.entered.await(5, TimeUnit.SECONDS));
            ShutdownReport report = server.stop(Duration.ofMillis(100));
            assertThat(report.forced()).isEqualTo(2);
            assertThat(report.stragglers()).anyMatch(s -> s.contains("handler still running on turnstile-worker-")
                    && s.contains("GatedEcho"));
            assertThat(report.took()).isLessThan(Duration.ofSeconds(8));
            assertNull(idle.readLine());
            assertNull(stuck.readLine());
        } finally {
            service.release.countDown();
            server.close();
        }
    }
}
