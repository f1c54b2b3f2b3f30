package dev.turnstile.model.prefork;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.model.process.Scoreboard;
import dev.turnstile.model.process.SlotReporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The master's view of the workers' slots, with workers simulated by their own reporters. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ScoreboardFeedTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 20446);

    private final Scoreboard board = Scoreboard.inMemoryForTest(4);
    private final ServerStats master = new ServerStats();
    private final ScoreboardFeed feed = new ScoreboardFeed(board, master, LOCAL);

    /** A worker process as its slot sees it: its own stats and reporter. */
    private final class Worker {
        final ServerStats stats = new ServerStats();
        final SlotReporter reporter;
        long ids;

        Worker(int slot) {
            board.slot(slot).prepareForSpawn(System.currentTimeMillis());
            board.slot(slot).spawned(100 + slot);
            reporter = new SlotReporter(board.slot(slot), stats);
            stats.addListener(reporter);
            reporter.ready();
        }

        ConnectionInfo open(int peerPort) {
            ConnectionInfo c = new ConnectionInfo(++ids, new InetSocketAddress("127.0.0.1", peerPort), LOCAL, "w");
            stats.connectionOpened(c);
            return c;
        }

        void message(ConnectionInfo c) {
            stats.worker(c.worker()).messageHandled();
        }

        void close(ConnectionInfo c, CloseReason reason) {
            stats.connectionClosed(c, reason);
        }
    }

    @Test
    void everyConnectionIsReportedOnceWithItsPeerReasonAndMessages() {
        Worker w = new Worker(1);
        for (int i = 0; i < 3; i++) {
            ConnectionInfo c = w.open(5000 + i);
            feed.poll();
            w.message(c);
            w.message(c);
            w.reporter.heartbeat();
            feed.poll();
            w.close(c, CloseReason.PEER_CLOSED);
            feed.poll();
        }
        w.reporter.stopping();
        w.reporter.stopped(new ShutdownReport(Duration.ZERO, 0, 0, List.of()));
        feed.poll();
        feed.retire(board.slot(1));
        board.slot(1).free();
        feed.poll();
        StatsSnapshot s = master.snapshot();
        assertThat(s.accepted()).isEqualTo(3);
        assertThat(s.closed()).isEqualTo(3);
        assertThat(s.closedFor(CloseReason.PEER_CLOSED)).isEqualTo(3);
        assertThat(s.messages()).isEqualTo(6);
        assertThat(s.workers()).singleElement().satisfies(x -> assertThat(x.name()).isEqualTo("worker-2"));
    }

    @Test
    void aConnectionOpenedAndAnsweredBetweenTwoPollsIsListedWithItsMessage() {
        Worker w = new Worker(2);
        ConnectionInfo c = w.open(5100);
        w.message(c);
        w.stats.bytesIn(6);
        w.stats.bytesOut(6);
        w.reporter.heartbeat();
        feed.poll(); // sees the open event and the counters that followed it at once
        assertThat(master.snapshot().connections())
                .singleElement()
                .satisfies(listed -> {
                    assertThat(listed.messages()).isEqualTo(1);
                    assertThat(listed.bytesIn()).isEqualTo(6);
                    assertThat(listed.bytesOut()).isEqualTo(6);
                });
    }

    @Test
    void countersOfAConnectionClosedSinceTheLastPollAreNotGivenToTheNextOne() {
        Worker w = new Worker(2);
        ConnectionInfo first = w.open(5100);
        feed.poll();
        w.message(first);
        w.close(first, CloseReason.PEER_CLOSED);
        w.open(5101);
        w.reporter.heartbeat();
        feed.poll();
        StatsSnapshot s = master.snapshot();
        assertThat(s.messages()).isEqualTo(1);
        assertThat(s.connections()).singleElement()
                .satisfies(listed -> assertThat(listed.messages()).isZero());
    }

    @Test
    void aPollBetweenRetiringAndFreeingASlotReportsNothingTwice() {
        Worker w = new Worker(1);
        w.close(w.open(5000), CloseReason.PEER_CLOSED);
        w.reporter.stopping();
        feed.poll();
        feed.retire(board.slot(1));
        feed.poll(); // the feed's own thread, before the master frees the slot
        board.slot(1).free();
        assertThat(master.snapshot().accepted()).isEqualTo(1);
        assertThat(master.snapshot().closed()).isEqualTo(1);
    }

    @Test
    void aNewWorkerInAReusedSlotStartsAFreshCount() {
        Worker first = new Worker(1);
        first.close(first.open(5000), CloseReason.PEER_CLOSED);
        feed.poll();
        feed.retire(board.slot(1));
        board.slot(1).free();
        Worker second = new Worker(1);
        ConnectionInfo c = second.open(5001);
        second.message(c);
        second.close(c, CloseReason.PEER_CLOSED);
        feed.poll();
        assertThat(master.snapshot().accepted()).isEqualTo(2);
        assertThat(master.snapshot().messages()).isEqualTo(1);
    }

    @Test
    void connectionsADeadWorkerLeftOpenCloseAsServerErrors() {
        Worker w = new Worker(0);
        w.open(6000);
        w.open(6001);
        feed.poll();
        feed.retire(board.slot(0)); // killed: it never wrote the closes
        StatsSnapshot s = master.snapshot();
        assertThat(s.accepted()).isEqualTo(2);
        assertThat(s.closedFor(CloseReason.SERVER_ERROR)).isEqualTo(2);
        assertThat(s.active()).isZero();
    }

    @Test
    void eventsLostToAWrappedRingAreMadeUpFromTheTotals() {
        Worker w = new Worker(2);
        for (int i = 0; i < Scoreboard.RING_EVENTS; i++) { // 128 events between two reads
            w.close(w.open(7000 + i), CloseReason.RESET);
        }
        feed.poll();
        feed.retire(board.slot(2));
        StatsSnapshot s = master.snapshot();
        assertThat(s.accepted()).isEqualTo(Scoreboard.RING_EVENTS);
        assertThat(s.closedFor(CloseReason.RESET)).isEqualTo(Scoreboard.RING_EVENTS);
        assertThat(s.active()).isZero();
    }
}
