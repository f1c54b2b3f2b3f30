package dev.turnstile.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON text to plain Java values and back, with no library: the load generator's result line and
 * the benchmark's results.json. Values are {@code Map<String, Object>} (member order kept),
 * {@code List<Object>}, {@code String}, {@code Long} (numbers without fraction or exponent),
 * {@code Double}, {@code Boolean} and {@code null}.
 *
 * <p>Reading is strict RFC 8259; an error names the offset, and nesting is bounded so hostile input
 * cannot exhaust the stack. Writing escapes strings as RFC 8259 requires, writes a whole double
 * with a fraction ({@code 2.0}) so it reads back as a double, and a double that is not finite as
 * {@code null}. Stateless and thread-safe: each call has its own cursor or buffer.
 */
public final class Json {

    private static final int MAX_DEPTH = 64;

    private Json() {
    }

    /**
     * The value {@code text} holds; anything but whitespace after it is an error.
     *
     * @throws IllegalArgumentException "bad JSON at offset N: expected ..."
     */
    public static Object parse(String text) {
        Reader r = new Reader(text);
        r.skipSpace();
        Object value = r.value(0);
        r.skipSpace();
        if (r.pos != text.length()) {
            throw r.error("end of input");
        }
        return value;
    }

    /** {@code value} as a document for a file: two-space indentation, ending with a newline. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        new Writer(out, true).value(value, 0);
        return out.append('\n').toString();
    }

    /** {@code value} as one line of JSON with no spaces and no line break, for a pipe or a log. */
    public static String writeLine(Object value) {
        StringBuilder out = new StringBuilder(256);
        new Writer(out, false).value(value, 0);
        return out.toString();
    }

    /** Appends values to one buffer, indented or on one line. */
    private record Writer(StringBuilder out, boolean indented) {

        void value(Object value, int depth) {
            switch (value) {
                case null -> out.append("null");
                case String s -> string(s);
                case Boolean b -> out.append(b);
                case Double d -> out.append(Double.isFinite(d) ? number(d) : "null");
                case Float f -> value(f.doubleValue(), depth);
                case Number n -> out.append(n.longValue());
                case Map<?, ?> map -> object(map, depth);
                case List<?> list -> array(list, depth);
                default -> throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
            }
        }

        private void object(Map<?, ?> map, int depth) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                newline(depth + 1);
                string(String.valueOf(e.getKey()));
                out.append(indented ? ": " : ":");
                value(e.getValue(), depth + 1);
            }
            newline(depth);
            out.append('}');
        }

        /** An array of scalars stays on one line even when indented: [1, 2, 3]. */
        private void array(List<?> list, int depth) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            boolean flat = list.stream().noneMatch(v -> v instanceof Map || v instanceof List);
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    out.append(',');
                    if (flat && indented) {
                        out.append(' ');
                    }
                }
                first = false;
                if (!flat) {
                    newline(depth + 1);
                }
                value(item, depth + 1);
            }
            if (!flat) {
                newline(depth);
            }
            out.append(']');
        }

        private void newline(int depth) {
            if (indented) {
                out.append('\n').append("  ".repeat(depth));
            }
        }

        private static String number(double d) {
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return (long) d + ".0";
            }
            return String.valueOf(d);
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

    /** A recursive-descent reader over one text; not thread-safe, one per parse. */
    private static final class Reader {
        private final String text;
        private int pos;

        Reader(String text) {
            this.text = text;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("at most " + MAX_DEPTH + " levels of nesting");
            }
            if (pos >= text.length()) {
                throw error("a value");
            }
            char ch = text.charAt(pos);
            return switch (ch) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        private Map<String, Object> object(int depth) {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++;
            skipSpace();
            if (peek('}')) {
                pos++;
                return map;
            }
            while (true) {
                skipSpace();
                if (!peek('"')) {
                    throw error("a member name");
                }
                String name = string();
                skipSpace();
                expect(':');
                skipSpace();
                map.put(name, value(depth + 1));
                skipSpace();
                if (peek(',')) {
                    pos++;
                } else {
                    expect('}');
                    return map;
                }
            }
        }

        private List<Object> array(int depth) {
            List<Object> list = new ArrayList<>();
            pos++;
            skipSpace();
            if (peek(']')) {
                pos++;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value(depth + 1));
                skipSpace();
                if (peek(',')) {
                    pos++;
                } else {
                    expect(']');
                    return list;
                }
            }
        }

        private String string() {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw error("a closing quote");
                }
                char ch = text.charAt(pos++);
                if (ch == '"') {
                    return sb.toString();
                }
                if (ch < 0x20) {
                    throw error("no control character in a string");
                }
                if (ch != '\\') {
                    sb.append(ch);
                    continue;
                }
                if (pos >= text.length()) {
                    throw error("an escape");
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("four hex digits");
                        }
                        try {
                            sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("four hex digits");
                        }
                        pos += 4;
                    }
                    default -> throw error("a valid escape");
                }
            }
        }

        private Object number() {
            int start = pos;
            if (peek('-')) {
                pos++;
            }
            boolean integral = true;
            while (pos < text.length()) {
                char ch = text.charAt(pos);
                if (ch >= '0' && ch <= '9') {
                    pos++;
                } else if (ch == '.' || ch == 'e' || ch == 'E' || ch == '+' || ch == '-') {
                    integral = false;
                    pos++;
                } else {
                    break;
                }
            }
            String n = text.substring(start, pos);
            if (n.isEmpty() || n.equals("-")) {
                pos = start;
                throw error("a value");
            }
            try {
                return integral ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("a number");
            }
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("a value");
            }
            pos += word.length();
            return value;
        }

        private boolean peek(char ch) {
            return pos < text.length() && text.charAt(pos) == ch;
        }

        private void expect(char ch) {
            if (!peek(ch)) {
                throw error("'" + ch + "'");
            }
            pos++;
        }

        void skipSpace() {
            while (pos < text.length()) {
                char ch = text.charAt(pos);
                if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
                    return;
                }
                pos++;
            }
        }

        IllegalArgumentException error(String expected) {
            return new IllegalArgumentException("bad JSON at offset " + pos + ": expected " + expected);
        }
    }
}
