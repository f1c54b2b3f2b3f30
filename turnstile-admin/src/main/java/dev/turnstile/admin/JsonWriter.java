package dev.turnstile.admin;

/**
 * Writes JSON text by hand, for the status endpoint (the server carries no JSON library): objects,
 * arrays, strings escaped as RFC 8259 requires (quote, backslash, control characters; lone
 * surrogates become U+FFFD so the output is always valid UTF-8), numbers and null. The caller
 * opens and closes in order; commas are placed here.
 *
 * <p><b>Thread-safety.</b> None: one writer per document.
 */
final class JsonWriter {

    private final StringBuilder out = new StringBuilder(4096);
    private boolean first = true; // no value yet in the innermost object or array

    JsonWriter beginObject() {
        separate();
        out.append('{');
        first = true;
        return this;
    }

    JsonWriter endObject() {
        out.append('}');
        first = false;
        return this;
    }

    JsonWriter beginArray() {
        separate();
        out.append('[');
        first = true;
        return this;
    }

    JsonWriter endArray() {
        out.append(']');
        first = false;
        return this;
    }

    /** The name of the next member of the object being written. */
    JsonWriter name(String name) {
        separate();
        string(name);
        out.append(':');
        first = true; // the value follows without a comma
        return this;
    }

    JsonWriter value(String s) {
        separate();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        first = false;
        return this;
    }

    JsonWriter value(long n) {
        separate();
        out.append(n);
        first = false;
        return this;
    }

    /** A finite number with up to three decimals; NaN and infinities, which JSON lacks, as null. */
    JsonWriter value(double d) {
        separate();
        if (Double.isFinite(d)) {
            out.append(Math.round(d * 1000) / 1000.0);
        } else {
            out.append("null");
        }
        first = false;
        return this;
    }

    JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, double value) {
        return name(name).value(value);
    }

    private void separate() {
        if (!first) {
            out.append(',');
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || c == '<' || c == '>' || c == '&') {
                        out.append(String.format("\\u%04x", (int) c)); // also safe inside HTML
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append("\\ufffd");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
