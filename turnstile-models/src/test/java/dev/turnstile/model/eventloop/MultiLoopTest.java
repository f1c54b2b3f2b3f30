package dev.turnstile.model.eventloop;

import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;
import dev.turnstile.testing.LineClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class MultiLoopTest {

    private static LoopModel multiLoop(int loops, AcceptMode accept) {
        return (LoopModel) new MultiLoopProvider().create(ModelOptions.none()
                .with("loops", String.valueOf(loops)).with("accept", accept.cliName()));
    }

    @Test
    void roundRobinGivesEachLoopItsTurn() throws Exception {
        LoopModel model = multiLoop(2, AcceptMode.ROUND_ROBIN);
        try (Server server = EventLoopTest.start(model, new GatedEcho(), Duration.ofMinutes(1))) {
            List<LineClient> peers = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    LineClient peer = LineClient.connect(server.port());
                    peers.add(peer);
                    assertEquals("PEER " + i, peer.ask("peer " + i));
                }
                assertThat(server.snapshot().workers())
                        .extracting(StatsSnapshot.Worker::name, StatsSnapshot.Worker::connections)
                        .containsExactly(tuple("loop-1", 3L), tuple("loop-2", 3L));
            } finally {
                for (LineClient peer : peers) {
                    peer.close();
                }
            }
        }
    }

    @Test
    void reusePortSpreadsConnectionsOverEveryLoop() throws Exception {
        LoopModel model = multiLoop(2, AcceptMode.REUSE_PORT);
        try (Server server = EventLoopTest.start(model, new GatedEcho(), Duration.ofMinutes(1))) {
            List<LineClient> peers = new ArrayList<>();
            try {
                for (int i = 0; i < 32; i++) {
                    LineClient peer = LineClient.connect(server.port());
                    peers.add(peer);
                    assertEquals("PEER " + i, peer.ask("peer " + i));
                }
                assertThat(server.snapshot().workers()).hasSize(2)
                        .allSatisfy(w -> assertThat(w.connections()).as(w.name()).isPositive());
            } finally {
                for (LineClient peer : peers) {
                    peer.close();
                }
            }
        }
    }

    @Test
    void reusePortRefusesAPortSomeoneElseHolds() throws IOException {
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            LoopModel model = multiLoop(2, AcceptMode.REUSE_PORT);
            assertThatThrownBy(() -> Server.builder().model(model).port(other.getLocalPort()).start())
                    .isInstanceOf(BindException.class).hasMessageContaining("already in use");
        }
    }

    @Test
    void blockingHandlerStallsOnlyItsOwnLoop() throws Exception {
        GatedEcho service = new GatedEcho();
        try (Server server = EventLoopTest.start(multiLoop(2, AcceptMode.ROUND_ROBIN), service, Duration.ofMinutes(1));
             LineClient onFirst = LineClient.connect(server.port()); LineClient onSecond = LineClient.connect(server.port())) {
            assertEquals("A", onFirst.ask("a"));   // accepted first: loop-1
            assertEquals("B", onSecond.ask("b"));  // then loop-2
            onFirst.send("block\n");
            assertTrue(service.entered.await(5, TimeUnit.SECONDS));
            assertEquals("FREE", onSecond.ask("free"), "served while loop-1 is held");
            service.release.countDown();
            assertEquals("BLOCK", onFirst.readLine());
        } finally {
            service.release.countDown();
        }
    }

    @Test
    void multiLoopDefaultsToOneLoopPerProcessor() throws IOException {
        try (Server server = Server.builder().model("multi-loop").framing(Framing.LINE).port(0).start()) {
            assertThat(server.snapshot().workers()).hasSize(Runtime.getRuntime().availableProcessors());
        }
    }
}
