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
    void badTextIsAnErrorWithItsPosition() {
        assertThatThrownBy(() -> Json.parse("{\"a\": }")).hasMessageContaining("character 6");
        assertThatThrownBy(() -> Json.parse("[1, 2] x")).hasMessageContaining("after the value");
    }
}
