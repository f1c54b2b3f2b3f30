package dev.turnstile.model.eventloop;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.Session;
import dev.turnstile.api.SessionService;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.core.Server;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The single-loop model's own behaviour, beyond the contract every model meets. */
@Timeout(60)
class EventLoopTest {

    static Server start(LoopModel model, FramedService service, Duration idleTimeout) throws IOException {
        return Server.builder().model(model).service(service).framing(Framing.LINE).port(0)
                .idleTimeout(idleTimeout).start();
    }

    static LoopModel eventLoop(ModelOptions options) {
        return (LoopModel) new EventLoopProvider().create(options);
    }

    @Test
    void throwingHandlerClosesOnlyItsConnection() throws Exception {
        try (Server server = start(eventLoop(ModelOptions.none()), new GatedEcho(), Duration.ofMinutes(1));
             LineClient victim = LineClient.connect(server.port()); LineClient other = LineClient.connect(server.port())) {
            assertEquals("HI", other.ask("hi"));
            victim.send("boom\n");
            assertTrue(victim.closedByServer(), "the failing connection is closed");
            assertEquals("STILL HERE", other.ask("still here"));
            Poll.until("the close is counted as a server error", Duration.ofSeconds(5),
                    () -> server.snapshot().closedFor(CloseReason.SERVER_ERROR) == 1);
        }
    }

    @Test
    void blockingHandlerIsReportedAndTheLoopServesTheOthersAfterIt() throws Exception {
        LoopModel model = eventLoop(ModelOptions.none().with("slow-callback-ms", "50"));
        GatedEcho service = new GatedEcho();
        try (Server server = start(model, service, Duration.ofMinutes(1));
             LineClient blocker = LineClient.connect(server.port()); LineClient other = LineClient.connect(server.port())) {
            assertEquals("WARM", other.ask("warm"));
            blocker.send("slow\n");
            assertTrue(service.entered.await(5, java.util.concurrent.TimeUnit.SECONDS));
            other.send("during\n"); // waits in the kernel while the loop is held
            assertEquals("SLOW", blocker.readLine());
            assertEquals("DURING", other.readLine());
            assertThat(model.group().stalls()).as("calls that held the loop past 50 ms").isPositive();
            assertEquals("AFTER", other.ask("after"));
        }
    }

    @Test
    void aLoopHeldByABlockedHandlerIsReportedWhileItIsStillHeld() throws Exception {
        LoopModel model = eventLoop(ModelOptions.none().with("slow-callback-ms", "50"));
        GatedEcho service = new GatedEcho();
        try (Server server = start(model, service, Duration.ofMinutes(1));
             LineClient blocker = LineClient.connect(server.port()); LineClient other = LineClient.connect(server.port())) {
            assertEquals("WARM", other.ask("warm"));
            blocker.send("block\n");
            assertTrue(service.entered.await(5, java.util.concurrent.TimeUnit.SECONDS));
            Poll.until("a warning while the handler is still blocked", Duration.ofSeconds(5),
                    () -> model.group().heldWarnings() > 0);
            service.release.countDown();
            assertEquals("BLOCK", blocker.readLine());
            assertEquals("AFTER", other.ask("after"));
            assertThat(model.group().stalls()).as("and counted once it returned").isPositive();
        }
    }

    @Test
    void halfClosedPeerStillGetsEveryReply() throws Exception {
        try (Server server = start(eventLoop(ModelOptions.none()), new GatedEcho(), Duration.ofMinutes(1));
             LineClient peer = LineClient.connect(server.port())) {
            peer.send("one\ntwo\nthree without newline");
            peer.shutdownOutput();
            assertEquals("ONE", peer.readLine());
            assertEquals("TWO", peer.readLine());
            assertEquals("THREE WITHOUT NEWLINE", peer.readLine());
            assertTrue(peer.closedByServer());
            Poll.until("the close is counted as the peer's", Duration.ofSeconds(5),
                    () -> server.snapshot().closedFor(CloseReason.PEER_CLOSED) == 1);
        }
    }

    @Test
    void silentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (Server server = start(eventLoop(ModelOptions.none()), new GatedEcho(), Duration.ofMillis(300));
             LineClient peer = LineClient.connect(server.port())) {
            assertEquals("HI", peer.ask("hi"));
            long quietSince = System.nanoTime();
            assertTrue(peer.closedByServer(), "closed by the server");
            assertThat(Duration.ofNanos(System.nanoTime() - quietSince)).isGreaterThan(Duration.ofMillis(250));
            Poll.until("the close is counted as an idle timeout", Duration.ofSeconds(5),
                    () -> server.snapshot().closedFor(CloseReason.IDLE_TIMEOUT) == 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"event-loop", "multi-loop", "loop-with-workers"})
    void sessionServiceIsRefusedNamingTheModelsThatCanRunIt(String model) {
        SessionService blocking = new SessionService() {
            @Override
            public String name() {
                return "blocking-echo";
            }

            @Override
            public void serve(Session session) {
            }
        };
        assertThatThrownBy(() -> Server.builder().model(model).service(blocking).port(0).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(model + " cannot run blocking-echo")
                .hasMessageContaining("thread-per-connection")
                .hasMessageNotContaining("event-loop,");
    }

    @Test
    void stopInterruptsALoopStuckInAHandlerAndNamesIt() throws Exception {
        GatedEcho service = new GatedEcho();
        Server server = start(eventLoop(ModelOptions.none()), service, Duration.ofMinutes(1));
        try (LineClient stuck = LineClient.connect(server.port()); LineClient idle = LineClient.connect(server.port())) {
            assertEquals("IDLE", idle.ask("idle"));
            stuck.send("block\n");
            assertTrue(service.entered.await(5, java.util.concurrent.TimeUnit.SECONDS));
            ShutdownReport report = server.stop(Duration.ofMillis(100));
            assertThat(report.clean()).isFalse();
            assertThat(report.stragglers()).anyMatch(s -> s.startsWith("loop-1") && s.contains("GatedEcho"));
            assertThat(report.took()).isLessThan(Duration.ofSeconds(8));
            assertTrue(idle.closedByServer(), "the idle connection is closed");
        } finally {
            service.release.countDown();
            server.close();
        }
    }
}
