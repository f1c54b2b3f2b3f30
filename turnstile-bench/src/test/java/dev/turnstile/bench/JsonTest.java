package dev.turnstile.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class JsonTest {

    @Test
    void writesAndReadsBackNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "a \"quoted\" \\ line\nbreak");
        m.put("whole", 42L);
        m.put("real", 2.5);
        m.put("ok", true);
        m.put("none", null);
        m.put("list", List.of(1L, 2L, 3L));
        m.put("objects", List.of(Map.of("k", "v")));
        assertThat(Json.parse(Json.write(m))).isEqualTo(m);
    }

    @Test
    void readsTheLoadGeneratorsResultShape() {
        String text = """
                {"workload":"ping-pong","connections":1000,"threads":1,"warmupSeconds":2.0,"durationSeconds":10.0,
                 "messages":123,"messagesPerSecond":12.3,"connects":1000,"connectsPerSecond":0.0,
                 "latencyMicros":{"p50":1,"p90":2,"p99":3,"p999":4,"max":5,"mean":1.5},
                 "errors":{"mismatches":0,"missing":1,"refused":0,"resets":0,"timeouts":2},"ok":false,"histogram":"SGk="}
                """;
        LoadFigures f = LoadFigures.fromJson(text);
        assertThat(f.connections()).isEqualTo(1000);
        assertThat(f.messagesPerSecond()).isEqualTo(12.3);
        assertThat(f.latencyMicros().p999()).isEqualTo(4);
        assertThat(f.errors().total()).isEqualTo(3);
        assertThat(f.errors().describe()).isEqualTo("1 missing, 2 timeouts");
        assertThat(f.ok()).isFalse();
        assertThat(LoadFigures.fromJson(Json.write(f.toJson()))).isEqualTo(f);
    }

    @Test
    void badTextIsAnErrorWithItsPosition() {
        assertThatThrownBy(() -> Json.parse("{\"a\": }")).hasMessageContaining("character 6");
        assertThatThrownBy(() -> Json.parse("[1, 2] x")).hasMessageContaining("after the value");
        assertThatThrownBy(() -> LoadFigures.fromJson("{}")).hasMessageContaining("latencyMicros");
    }
}
