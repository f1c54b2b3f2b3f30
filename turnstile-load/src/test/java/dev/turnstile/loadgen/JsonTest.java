package dev.turnstile.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class JsonTest {

    private static Map<String, Object> sample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "a \"quoted\" \\ line\nbreak");
        m.put("whole", 42L);
        m.put("real", 2.5);
        m.put("ok", true);
        m.put("none", null);
        m.put("list", List.of(1L, 2L, 3L));
        m.put("objects", List.of(Map.of("k", "v")));
        return m;
    }

    @Test
    void writesAndReadsBackNestedValues() {
        assertThat(Json.parse(Json.write(sample()))).isEqualTo(sample());
        assertThat(Json.parse(Json.writeLine(sample()))).isEqualTo(sample());
    }

    @Test
    void indentsADocumentAndKeepsALineOnOneLine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", 2.0);
        m.put("xs", List.of(1L, 2L));
        m.put("o", Map.of("k", "v"));

        assertThat(Json.write(m)).isEqualTo("{\n  \"n\": 2.0,\n  \"xs\": [1, 2],\n  \"o\": {\n    \"k\": \"v\"\n  }\n}\n");
        assertThat(Json.writeLine(m)).isEqualTo("{\"n\":2.0,\"xs\":[1,2],\"o\":{\"k\":\"v\"}}");
    }

    @Test
    void badTextIsAnErrorWithItsOffset() {
        assertThatThrownBy(() -> Json.parse("{\"a\": }")).hasMessageStartingWith("bad JSON at offset 6");
        assertThatThrownBy(() -> Json.parse("[1, 2] x")).hasMessage("bad JSON at offset 7: expected end of input");
        assertThatThrownBy(() -> Json.parse("[".repeat(100))).hasMessageContaining("levels of nesting");
    }
}
