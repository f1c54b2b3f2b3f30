package dev.turnstile.model.prefork;

import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.model.process.Scoreboard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pool's shared connection limits, with workers simulated by slots of an in-memory
 * scoreboard (the same atomics as in shared memory, without forking), and the master's view of
 * their hits.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedLimitsTest {

    private static final InetSocketAddress A1 = new InetSocketAddress("127.0.0.1", 40001);
    private static final InetSocketAddress A2 = new InetSocketAddress("127.0.0.1", 40002);
    private static final InetSocketAddress A3 = new InetSocketAddress("127.0.0.1", 40003);
    private static final InetSocketAddress B1 = new InetSocketAddress("127.0.0.2", 40004);

    private static Scoreboard board(int threads, ConnectionLimits limits) {
        Scoreboard board = Scoreboard.inMemoryForTest(4, threads, limits);
        for (int i = 0; i < board.slots(); i++) {
            board.slot(i).prepareForSpawn(System.currentTimeMillis());
        }
        return board;
    }

    private static SharedLimits worker(Scoreboard board, int slot) {
        return new SharedLimits(board.slot(slot), () -> false); // a worker whose listener closed: no waiting
    }

    @Test
    void maxConnectionsCountsThePermitsOfEveryWorker() {
        Scoreboard board = board(2, ConnectionLimits.none().withMaxConnections(3));
        SharedLimits w0 = worker(board, 0);
        SharedLimits w1 = worker(board, 1);
        assertThat(w0.acquire()).isTrue();
        assertThat(w0.acquire()).isTrue();
        assertThat(w1.acquire()).isTrue();
        assertThat(w1.acquire()).as("the fourth, in another worker: no room").isFalse();
        assertThat(board.permitsInAllSlots()).isEqualTo(3);
        w0.release();
        assertThat(w1.acquire()).isTrue();
    }

    @Test
    void aWaitingWorkerGetsThePermitAnotherGivesBack() throws Exception {
        Scoreboard board = board(1, ConnectionLimits.none().withMaxConnections(1));
        SharedLimits w0 = worker(board, 0);
        assertThat(w0.acquire()).isTrue();
        SharedLimits w1 = new SharedLimits(board.slot(1), () -> true);
        CountDownLatch got = new CountDownLatch(1);
        Thread waiter = Thread.ofPlatform().start(() -> {
            if (w1.acquire()) {
                got.countDown();
            }
        });
        assertThat(got.await(200, TimeUnit.MILLISECONDS)).as("waits while the other holds it").isFalse();
        w0.release();
        assertThat(got.await(5, TimeUnit.SECONDS)).isTrue();
        waiter.join();
        assertThat(board.permitsInAllSlots()).isEqualTo(1);
    }

    @Test
    void withReuseportThePermitIsTakenAfterAcceptSoNoIdleWorkerHoldsOne() {
        Scoreboard board = board(2, ConnectionLimits.none().withMaxConnections(1));
        SharedLimits w0 = new SharedLimits(board.slot(0), () -> false, SharedLimits.PermitTaken.AFTER_ACCEPT);
        SharedLimits w1 = new SharedLimits(board.slot(1), () -> false, SharedLimits.PermitTaken.AFTER_ACCEPT);
        assertThat(w0.acquire()).isTrue();
        assertThat(w1.acquire()).isTrue();
        assertThat(board.permitsInAllSlots()).as("both wait in accept, holding nothing").isZero();
        assertThat(w1.admit(A1)).isTrue();
        assertThat(w0.admit(B1)).as("no permit left, and its listener closed: given up").isFalse();
        assertThat(board.slot(0).refusedBy(ConnectionLimit.MAX_CONNECTIONS_PER_IP)).isZero();
        w0.release(); // as the accept loop does after a refusal: nothing to give back
        assertThat(board.permitsInAllSlots()).isEqualTo(1);
        w1.closed(A1);
        assertThat(board.permitsInAllSlots()).isZero();
        assertThat(w0.admit(B1)).isTrue();
    }

    @Test
    void perIpCountsTheSourceInEveryWorkerAndRefusesOnlyIt() {
        Scoreboard board = board(2, ConnectionLimits.none().withMaxConnectionsPerIp(2));
        SharedLimits w0 = worker(board, 0);
        SharedLimits w1 = worker(board, 1);
        assertThat(w0.admit(A1)).isTrue();
        assertThat(w1.admit(A2)).isTrue();
        assertThat(w1.admit(A3)).as("a third from 127.0.0.1, in either worker").isFalse();
        assertThat(w0.admit(B1)).as("another source").isTrue();
        assertThat(board.slot(1).refusedBy(ConnectionLimit.MAX_CONNECTIONS_PER_IP)).isEqualTo(1);
        assertThat(board.slot(1).lastRefused()).isEqualTo(A3);
        w0.closed(A1);
        assertThat(w1.admit(A3)).as("a place came back").isTrue();
    }

    @Test
    void aFreedSlotGivesBackWhatItsDeadWorkerHeld() {
        Scoreboard board = board(2, new ConnectionLimits(2, 2, 0));
        SharedLimits w0 = worker(board, 0);
        assertThat(w0.acquire() && w0.admit(A1) && w0.acquire() && w0.admit(A2)).isTrue();
        SharedLimits w1 = worker(board, 1);
        assertThat(w1.acquire()).isFalse();
        board.slot(0).free(); // the master reaped worker 0, killed with its connections
        assertThat(board.openInAllSlots()).isZero();
        assertThat(w1.acquire()).isTrue();
        assertThat(w1.admit(A3)).isTrue();
    }

    @Test
    void acceptRateAllowsABurstPerSourceThenTheRate() {
        Scoreboard board = board(1, ConnectionLimits.none());
        SharedAcceptRate rate = new SharedAcceptRate(board, 5);
        long a = Scoreboard.sourceKey(A1.getAddress());
        long b = Scoreboard.sourceKey(B1.getAddress());
        long now = 1_000_000;
        for (int i = 0; i < 5; i++) {
            assertThat(rate.tryAccept(a, now)).as("burst " + i).isTrue();
        }
        assertThat(rate.tryAccept(a, now)).isFalse();
        assertThat(rate.tryAccept(a, now + 100_000)).as("a token is 200 ms").isFalse();
        assertThat(rate.tryAccept(b, now)).as("another source has its own").isTrue();
        assertThat(rate.tryAccept(a, now + 200_000)).isTrue();
        assertThat(rate.tryAccept(a, now + 200_000)).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(rate.tryAccept(a, now + 10_000_000)).as("full again after a second idle").isTrue();
        }
    }

    @Test
    void acceptRateTableStaysBoundedUnderManySources() {
        Scoreboard board = board(1, ConnectionLimits.none());
        SharedAcceptRate rate = new SharedAcceptRate(board, 1);
        for (int i = 0; i < 3 * Scoreboard.RATE_BUCKETS; i++) {
            rate.tryAccept(Scoreboard.mix(i + 1), 1_000);
        }
        long repeat = Scoreboard.mix(1);
        assertThat(rate.tryAccept(repeat, 2_000_000)).as("buckets are reused once full again").isTrue();
        assertThat(rate.tryAccept(repeat, 2_000_000)).isFalse();
    }

    @Test
    void underRacingWorkersNoSourceIsEverOverItsLimitNorTheServerOverItsMax() throws Exception {
        int maxPerIp = 3;
        int max = 5;
        Scoreboard board = board(4, new ConnectionLimits(max, maxPerIp, 0));
        InetSocketAddress[] sources = {A1, B1};
        AtomicInteger[] open = {new AtomicInteger(), new AtomicInteger()};
        AtomicInteger total = new AtomicInteger();
        AtomicInteger worstPerIp = new AtomicInteger();
        AtomicInteger worstTotal = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        AtomicBoolean go = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            SharedLimits gate = new SharedLimits(board.slot(w), go::get);
            for (int t = 0; t < 4; t++) {
                int source = (w + t) % 2;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 2_000 && go.get(); i++) {
                        if (!gate.acquire()) {
                            return;
                        }
                        if (!gate.admit(sources[source])) {
                            gate.release();
                            continue;
                        }
                        worstPerIp.accumulateAndGet(open[source].incrementAndGet(), Math::max);
                        worstTotal.accumulateAndGet(total.incrementAndGet(), Math::max);
                        admitted.incrementAndGet();
                        open[source].decrementAndGet();
                        total.decrementAndGet();
                        gate.closed(sources[source]);
                    }
                }));
            }
        }
        for (Thread t : threads) {
            t.join(20_000);
        }
        go.set(false);
        assertThat(worstPerIp.get()).isLessThanOrEqualTo(maxPerIp);
        assertThat(worstTotal.get()).isLessThanOrEqualTo(max);
        assertThat(admitted.get()).as("and it let connections in").isGreaterThan(1_000);
        assertThat(board.openInAllSlots()).isZero();
        assertThat(board.permitsInAllSlots()).isZero();
        assertThat(board.heldFrom(Scoreboard.sourceKey(A1.getAddress()))).isZero();
    }

    @Test
    void theStatusPageShowsTheLimitsAndTheWorkersRefusals(@TempDir Path dir) throws Exception {
        Scoreboard board = Scoreboard.create(dir.resolve("board"), 2, ProcessHandle.current().pid(), 20446,
                "process-pool", 2, new ConnectionLimits(2, 1, 0));
        board.slot(0).prepareForSpawn(System.currentTimeMillis());
        SharedLimits w0 = worker(board, 0);
        assertThat(w0.acquire() && w0.admit(A1)).isTrue();
        assertThat(w0.admit(A2)).isFalse(); // a second thread's connection, say
        String page = StatusPage.render(board, System.currentTimeMillis());
        assertThat(page).contains("Limits: max-connections 2, max-connections-per-ip 1; 1 open;"
                + " refused by the workers shown: 1 per ip, 0 over the accept rate; max-connections reached 0 times");
        board.delete();
    }

    @Test
    void theMasterCountsEachRefusalAndLogsEpisodesFromTheSlots() {
        Scoreboard board = board(2, new ConnectionLimits(2, 1, 0));
        ServerStats master = new ServerStats();
        ScoreboardFeed feed = new ScoreboardFeed(board, master, new InetSocketAddress("127.0.0.1", 20446));
        SharedLimits w0 = worker(board, 0);
        SharedLimits w1 = worker(board, 1);
        assertThat(w0.acquire() && w0.admit(A1)).isTrue();
        assertThat(w1.acquire()).isTrue();
        assertThat(w1.admit(A2)).isFalse();
        w1.release();
        assertThat(w1.acquire() && w1.admit(B1)).as("the second open: max-connections reached").isTrue();
        feed.poll();
        StatsSnapshot s = master.snapshot();
        assertThat(s.hitsOf(ConnectionLimit.MAX_CONNECTIONS_PER_IP)).isEqualTo(1);
        assertThat(s.rejected()).isEqualTo(1);
        assertThat(s.hitsOf(ConnectionLimit.MAX_CONNECTIONS)).isEqualTo(1);
        feed.poll();
        assertThat(master.snapshot().hitsOf(ConnectionLimit.MAX_CONNECTIONS)).as("one episode, one hit").isEqualTo(1);
    }
}
