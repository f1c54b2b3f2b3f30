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
import static org.assertj.core.api.Assertions.within;

/** Ratios to the peer and medians over rounds, on made-up figures: no processes, no timing. */
@Timeout(10)
class PeerComparisonTest {

    private static final Contender LOOP = new Contender("event-loop", List.of("--model", "event-loop"),
            OptionalInt.empty(), "loop");
    private static final Contender NETTY = Lineup.netty(1);
    private static final Contender OTHER = new Contender("virtual-threads", List.of("--model", "virtual-threads"),
            OptionalInt.empty(), "vt");

    @Test
    void ratiosAreTakenWithinARoundAndTheMedianStandsForTheRounds() {
        BenchResults results = results(3, List.of(
                cell(LOOP, 1, 110_000, 0.9), cell(NETTY, 1, 100_000, 1.0), cell(OTHER, 1, 50_000, 1.0),
                cell(NETTY, 2, 80_000, 1.0), cell(LOOP, 2, 96_000, 0.9), cell(OTHER, 2, 50_000, 1.0),
                cell(LOOP, 3, 90_000, 0.9), cell(NETTY, 3, 100_000, 1.0), cell(OTHER, 3, 50_000, 1.0)));

        List<PeerComparison.Row> rows = PeerComparison.rows(results);
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.model()).isEqualTo("event-loop");
            assertThat(row.peer()).isEqualTo("netty");
            assertThat(row.throughput()).containsExactly(1.10, 1.20, 0.90);
            assertThat(row.medianThroughput()).isCloseTo(1.10, within(1e-9));
            // the same CPU share at a higher rate is less CPU per message
            assertThat(row.efficiency().getFirst()).isCloseTo(1.1 / 0.9, within(1e-9));
        });
        assertThat(MarkdownReport.render(results))
                .contains("## Against Netty, like for like")
                .contains("| event-loop | netty | ping-pong | 1,000 | 3 | **1.10** | 1.10, 1.20, 0.90 |")
                .contains("| event-loop #2 | 1,000 | 96,000 | 100 µs |")
                .contains("| event-loop | 96,000 (100 µs) |") // the summary shows the median round
                .contains("--rounds 3");
        // the summary stands on the median round: 96,000 for the loop, 100,000 for the peer
        assertThat(results.find("event-loop", Workload.PING_PONG, 1_000)).hasValueSatisfying(
                r -> assertThat(r.cell().round()).isEqualTo(2));
        assertThat(results.measured(Workload.PING_PONG)).hasSize(3);
    }

    @Test
    void aRoundWithAFailedCellIsLeftOutAndNoPeerMeansNoSection() {
        CellResult failed = CellResult.failed(new Cell(NETTY, Workload.PING_PONG, 1_000, 2), "server died", null, null,
                null, 0);
        BenchResults results = results(2, List.of(cell(LOOP, 1, 110_000, 0.9), cell(NETTY, 1, 100_000, 1.0),
                cell(LOOP, 2, 120_000, 0.9), failed));
        assertThat(PeerComparison.rows(results)).singleElement()
                .satisfies(row -> assertThat(row.throughput()).containsExactly(1.10));

        BenchResults alone = results(1, List.of(cell(OTHER, 1, 50_000, 1.0)));
        assertThat(PeerComparison.markdown(alone)).isEmpty();
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(PeerComparison.median(List.of(1.0, 4.0, 2.0, 3.0))).isEqualTo(2.5);
        assertThat(PeerComparison.median(List.of(0.97))).isEqualTo(0.97);
    }

    private static BenchResults results(int rounds, List<CellResult> cells) {
        BenchPlan plan = BenchPlan.full(Path.of("out")).withContenders(List.of(LOOP, NETTY, OTHER))
                .withWorkloads(List.of(Workload.PING_PONG)).withConnections(List.of(1_000)).withRounds(rounds);
        return new BenchResults(plan, new MachineFacts(2, 1L << 34, "cpu", "6.1", "Linux amd64", "jdk"),
                Instant.parse("2026-01-07T10:00:00Z"), Duration.ofSeconds(60), cells);
    }

    /** A clean ping-pong cell at 1,000 connections: {@code perSecond} messages/s for 10 s, the server at {@code cores}. */
    private static CellResult cell(Contender c, int round, double perSecond, double cores) {
        Histogram h = new Histogram(60_000_000L, 3);
        h.recordValueWithCount(100, 1_000);
        LoadResult load = new LoadResult(Workload.PING_PONG, 1_000, 1, 1, "line", "notes", 0, 2, 10,
                Math.round(perSecond * 10), 1_000, h, new ErrorCounts(0, 0, 0, 0, 0), null, 30.0);
        ProcessUsage server = new ProcessUsage(cores * 10, 10, 50L << 20, 100L << 20, 20, 1);
        ProcessUsage client = new ProcessUsage(9, 10, 50L << 20, 60L << 20, 3, 1);
        return new CellResult(new Cell(c, Workload.PING_PONG, 1_000, round), CellResult.Status.MEASURED, "stopped", load,
                server, client, 1.9);
    }
}
