package dev.turnstile.loadgen;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class LoadResultTest {

    private static LoadResult result(int connections, long messages, ErrorCounts errors, long... latencies) {
        Histogram h = Latency.newHistogram();
        for (long l : latencies) {
            h.recordValue(l);
        }
        return new LoadResult(Workload.PING_PONG, connections, 1, 1, "line", "notes", 0, 2.0, 10.0, messages,
                connections, h, errors, errors.total() > 0 ? "missing: closed" : null, 0.0);
    }

    @Test
    void writesTheShapeTheBenchmarkReads() {
        String json = result(1000, 123, ErrorCounts.NONE, 10, 20, 30).toJson();

        assertThat(json).startsWith("{\"workload\":\"ping-pong\",\"connections\":1000,\"threads\":1,"
                + "\"warmupSeconds\":2.0,\"durationSeconds\":10.0,\"messages\":123,\"messagesPerSecond\":12.3,"
                + "\"connects\":1000,\"connectsPerSecond\":0.0,\"latencyMicros\":{\"p50\":20,\"p90\":30,\"p99\":30,"
                + "\"p999\":30,\"max\":30,\"mean\":20.0},\"errors\":{\"mismatches\":0,\"missing\":0,\"refused\":0,"
                + "\"resets\":0,\"timeouts\":0},\"ok\":true,\"histogram\":\"");
        assertThat(Json.parse(json)).isInstanceOf(java.util.Map.class);
    }

    @Test
    void readsBackWhatItWrote() {
        LoadResult r = result(10, 5, new ErrorCounts(1, 2, 3, 4, 5), 7, 700, 70_000);

        LoadResult back = LoadResult.fromJson(r.toJson());

        assertThat(back.errors()).isEqualTo(r.errors());
        assertThat(back.messages()).isEqualTo(5);
        assertThat(back.connections()).isEqualTo(10);
        assertThat(back.firstError()).isEqualTo("missing: closed");
        assertThat(back.latency()).isEqualTo(r.latency());
        assertThat(back.latencySummary()).isEqualTo(r.latencySummary());
        assertThat(back.ok()).isFalse();
    }

    @Test
    void mergesPartsExactly() {
        LoadResult a = result(3, 3, ErrorCounts.NONE, 100, 200, 300);
        LoadResult b = result(2, 2, new ErrorCounts(0, 1, 0, 0, 0), 5_000, 9_000);

        LoadResult merged = LoadResult.merge(List.of(LoadResult.fromJson(a.toJson()), LoadResult.fromJson(b.toJson())));

        assertThat(merged.connections()).isEqualTo(5);
        assertThat(merged.processes()).isEqualTo(2);
        assertThat(merged.messages()).isEqualTo(5);
        assertThat(merged.errors()).isEqualTo(new ErrorCounts(0, 1, 0, 0, 0));
        assertThat(merged.latency().getTotalCount()).isEqualTo(5);
        assertThat(merged.latency().getMaxValue()).isEqualTo(merged.latency().highestEquivalentValue(9_000));
        assertThat(merged.latency().getValueAtPercentile(50)).isEqualTo(300);
        assertThat(merged.durationSeconds()).isEqualTo(10.0);
    }

    @Test
    void refusesMalformedResults() {
        assertThatThrownBy(() -> LoadResult.fromJson("{\"workload\":\"ping-pong\"}"))
                .hasMessageStartingWith("load result: 'errors' is missing");
        assertThatThrownBy(() -> LoadResult.fromJson("{\"workload\":"))
                .hasMessageStartingWith("bad JSON at offset 12");
        assertThatThrownBy(() -> LoadResult.fromJson("[1,2]"))
                .hasMessage("a load result must be a JSON object");
    }

    @Test
    void readsJsonValuesOfEveryKind() {
        Object v = Json.parse(" {\"a\":[1,-2.5e3,true,false,null,\"x\\n\\u0041\"],\"b\":{}} ");
        assertThat(v).isEqualTo(java.util.Map.of("a", java.util.Arrays.asList(1L, -2500.0, true, false, null, "x\nA"),
                "b", java.util.Map.of()));
    }

    @Test
    void summaryReadsLikeWrk() {
        String s = Summary.render(result(1000, 123, new ErrorCounts(0, 3, 0, 0, 0), 87, 87, 87, 1_234, 2_500_000));

        assertThat(s).contains("ping-pong: 1,000 connections, 1 thread, line framing, notes messages")
                .containsPattern("Latency +p50 +p90 +p99 +p99.9 +max +mean")
                .containsPattern(" +87us +2.50s +2.50s +2.50s +2.50s +500.[0-9]+ms")
                .contains("Messages/sec: 12.3").contains("Errors: 3 missing").contains("first: missing: closed");
    }
}
