package dev.turnstile.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
class JsonWriterTest {

    @Test
    void escapesQuotesBackslashesControlsAndHtmlAndReplacesLoneSurrogates() {
        String json = new JsonWriter().beginObject()
                .field("reason", "grew \"fast\"\\\n\t\u0001<b>&\ud800x\ud83d\ude00")
                .endObject().toString();
        assertEquals("{\"reason\":\"grew \\\"fast\\\"\\\\\\n\\t\\u0001\\u003cb\\u003e\\u0026\\ufffdx\ud83d\ude00\"}", json);
    }

    @Test
    void separatesMembersAndElementsWithCommasAtEveryDepth() {
        String json = new JsonWriter().beginObject()
                .field("a", 1).name("b").beginArray().value(2).beginObject().field("c", "d").endObject().value((String) null)
                .endArray().field("e", 1.23456).field("f", Double.NaN).name("g").beginObject().endObject()
                .endObject().toString();
        assertEquals("{\"a\":1,\"b\":[2,{\"c\":\"d\"},null],\"e\":1.235,\"f\":null,\"g\":{}}", json);
    }
}
