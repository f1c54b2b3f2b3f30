package dev.turnstile.bench;

import dev.turnstile.loadgen.ErrorCounts;
import dev.turnstile.loadgen.LoadResult;
import dev.turnstile.loadgen.Workload;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's computed verdicts on made-up figures: no processes, no timing. */
@Timeout(10)
class VerdictsTest {

    private static final Contender A = new Contender("alpha", List.of("--model", "alpha"), OptionalInt.empty(), "a");
    private static final Contender B = new Contender("beta", List.of("--model", "beta"), OptionalInt.empty(), "b");
    private static final Contender NETTY = new Contender(Lineup.NETTY, List.of("--peer", "netty"), OptionalInt.empty(), "n");
    private static final MiB MB = new MiB();

    @Test
    void fastestPerCountSharesThePlaceWithinFivePercentAndTheSummaryLeavesThePeerOut() {
        BenchResults results = results(List.of(
                measured(A, 10, 10_000, 500, 100 * MB.n),
                measured(B, 10, 9_800, 400, 100 * MB.n),
                measured(NETTY, 10, 10_100, 100, 90 * MB.n),
                measured(A, 100, 20_000, 900, 200 * MB.n),
                measured(B, 100, 30_000, 800, 120 * MB.n),
                measured(NETTY, 100, 60_000, 300, 91 * MB.n)));

        List<Verdicts.Row> rows = Verdicts.rows(results);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).fastest()).containsExactly(Lineup.NETTY, "alpha", "beta"); // 1 % and 3 % behind
        assertThat(rows.get(1).lowestP99()).containsExactly(Lineup.NETTY);
        assertThat(rows.get(1).leastMemory()).containsExactly(Lineup.NETTY); // 11 KiB per added connection, beta 228
        String summary = String.join("\n", Verdicts.summary(results));
        assertThat(summary).contains("**ping-pong** (most messages/s): beta first at 2 of 2 connection counts "
                        + "(10: alpha, beta; 100: beta).")
                .contains("The best turnstile model against the Netty peer, by connections: 10: 99 %; 100: 50 %.")
                .contains("Memory per further connection at 100 ping-pong connections, least first: "
                        + "netty (peer, 11.4 KiB), beta (227.6 KiB), alpha (1.1 MiB).");
    }

    @Test
    void memoryPerAddedConnectionIsTheRiseFromTheSmallestCount() {
        CellResult small = measured(A, 10, 1_000, 100, 100 * MB.n);
        CellResult large = measured(A, 1_010, 1_000, 100, 100 * MB.n + 1_000 * 4096);
        CellResult tooFew = measured(A, 50, 1_000, 100, 100 * MB.n + 40 * 4096);
        BenchResults results = results(List.of(small, tooFew, large));
        assertThat(results.marginalRssPerConnection(tooFew)).isEmpty();
        assertThat(results.marginalRssPerConnection(small)).isEmpty();
        assertThat(results.marginalRssPerConnection(large)).hasValue(4096.0);
    }

    @Test
    void reportListsFailedCellsWithTheirReasonAndFlagsAClientBoundCell() {
        CellResult busyClient = new CellResult(new Cell(A, Workload.PING_PONG, 10), CellResult.Status.MEASURED,
                "stopped", load(10, 1_000, 100, 0), usage(0.5, 100 * MB.n), usage(0.95, 50 * MB.n), 1.6);
        CellResult failed = CellResult.failed(new Cell(B, Workload.PING_PONG, 10), "errors: 3 timeouts",
                load(10, 10, 100, 3), usage(0.1, 100 * MB.n), usage(0.1, 50 * MB.n), 0.3);
        String report = MarkdownReport.render(results(List.of(busyClient, failed)));
        assertThat(report).contains("| beta | ping-pong | 10 | failed | errors: 3 timeouts |")
                .contains("**3 timeouts**")
                .contains("The load generator used 90 % of a core per thread or more in 1 cell (alpha ping-pong 10)")
                .contains("| alpha | 1,000 (100 µs) |").contains("| beta | **failed** |");
    }

    private static BenchResults results(List<CellResult> cells) {
        BenchPlan plan = BenchPlan.full(Path.of("out")).withContenders(List.of(A, B, NETTY))
                .withWorkloads(List.of(Workload.PING_PONG));
        return new BenchResults(plan, new MachineFacts(2, 1L << 34, "cpu", "6.1", "Linux amd64", "jdk"),
                Instant.parse("2026-01-07T10:00:00Z"), Duration.ofSeconds(60), cells);
    }

    private static CellResult measured(Contender c, int connections, double perSecond, long p99Micros, long peakRss) {
        return new CellResult(new Cell(c, Workload.PING_PONG, connections), CellResult.Status.MEASURED, "stopped",
                load(connections, perSecond, p99Micros, 0), usage(0.5, peakRss), usage(0.3, 50 * MB.n), 1.0);
    }

    private static LoadResult load(int connections, double perSecond, long latencyMicros, long timeouts) {
        Histogram h = new Histogram(60_000_000L, 3);
        h.recordValueWithCount(latencyMicros, 1_000);
        long messages = Math.round(perSecond * 10);
        return new LoadResult(Workload.PING_PONG, connections, 1, 1, "line", "notes", 0, 2, 10, messages, connections,
                h, new ErrorCounts(0, 0, 0, 0, timeouts), timeouts > 0 ? "timeouts: no reply" : null, 30.0);
    }

    private static ProcessUsage usage(double cores, long peakRss) {
        return new ProcessUsage(cores * 12, 12, 50 * MB.n, peakRss, 20, 1);
    }

    /** Bytes in a MiB, as a long. */
    private record MiB(long n) {
        MiB() {
            this(1024L * 1024);
        }
    }
}
