package dev.turnstile.loadgen;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Writes one compact JSON object, member by member: enough for results, with no library. Strings
 * are escaped as RFC 8259 requires; doubles that are not finite become {@code null}.
 *
 * <p>Not thread-safe; one writer per document.
 */
final class JsonWriter {

    private final StringBuilder out = new StringBuilder(256);
    private boolean first = true; // no member written yet in the innermost open object

    JsonWriter() {
        out.append('{');
    }

    JsonWriter field(String name, String value) {
        name(name);
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        return this;
    }

    JsonWriter field(String name, long value) {
        name(name).append(value);
        return this;
    }

    JsonWriter field(String name, double value) {
        name(name);
        if (Double.isFinite(value)) {
            String plain = BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros()
                    .toPlainString();
            out.append(plain).append(plain.indexOf('.') < 0 ? ".0" : "");  // a double reads as one: 2.0
        } else {
            out.append("null");
        }
        return this;
    }

    JsonWriter field(String name, boolean value) {
        name(name).append(value);
        return this;
    }

    /** Opens a nested object as member {@code name}; close it with {@link #end()}. */
    JsonWriter object(String name) {
        name(name).append('{');
        first = true;
        return this;
    }

    /** Closes the innermost open object. */
    JsonWriter end() {
        out.append('}');
        first = false;
        return this;
    }

    /** The document, with the outermost object closed. */
    String finish() {
        end();
        return out.toString();
    }

    private StringBuilder name(String name) {
        if (!first) {
            out.append(',');
        }
        first = false;
        string(name);
        return out.append(':');
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        out.append('"');
    }
}
