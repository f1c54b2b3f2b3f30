package dev.turnstile.admin;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ConnectionTotals;

import java.time.Instant;
import java.util.Locale;

/**
 * How an {@link AccessLog} line reads: one closed connection per line, the same fields either way
 * (see the README's "Metrics" section).
 *
 * <pre>
 * TEXT: 2026-11-30T19:20:01.123Z id=7 peer=127.0.0.1:51234 worker=worker-2 duration_ms=12.345 messages=3 bytes_in=12 bytes_out=12 reason=peer_closed
 * JSON: {"time":"2026-11-30T19:20:01.123Z","id":7,"peer":"127.0.0.1:51234","worker":"worker-2","duration_ms":12.345,"messages":3,"bytes_in":12,"bytes_out":12,"reason":"peer_closed"}
 * </pre>
 * The time is the close's, in UTC; the duration is from open to close, to the microsecond.
 */
public enum AccessLogFormat {
    TEXT {
        @Override
        String line(ConnectionInfo c, CloseReason reason, ConnectionTotals t) {
            return closedAt(t) + " id=" + c.id() + " peer=" + c.peer() + " worker=" + c.worker()
                    + " duration_ms=" + millis(t) + " messages=" + t.messages() + " bytes_in=" + t.bytesIn()
                    + " bytes_out=" + t.bytesOut() + " reason=" + reason(reason);
        }

        @Override
        String dropped(long lines, Instant at) {
            return at + " dropped=" + lines + " note=\"the access log fell behind; lines dropped\"";
        }
    },
    JSON {
        @Override
        String line(ConnectionInfo c, CloseReason reason, ConnectionTotals t) {
            return "{\"time\":\"" + closedAt(t) + "\",\"id\":" + c.id() + ",\"peer\":" + quoted(c.peer())
                    + ",\"worker\":" + quoted(c.worker()) + ",\"duration_ms\":" + millis(t) + ",\"messages\":" + t.messages()
                    + ",\"bytes_in\":" + t.bytesIn() + ",\"bytes_out\":" + t.bytesOut() + ",\"reason\":\"" + reason(reason)
                    + "\"}";
        }

        @Override
        String dropped(long lines, Instant at) {
            return "{\"time\":\"" + at + "\",\"dropped\":" + lines
                    + ",\"note\":\"the access log fell behind; lines dropped\"}";
        }
    };

    /** The line for one closed connection, without the line end. */
    abstract String line(ConnectionInfo connection, CloseReason reason, ConnectionTotals totals);

    /** The line that says {@code lines} lines were dropped because the log fell behind. */
    abstract String dropped(long lines, Instant at);

    /** The format named {@code text} or {@code json} (any case). */
    public static AccessLogFormat named(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    private static Instant closedAt(ConnectionTotals t) {
        return t.openedAt().plus(t.open());
    }

    private static String millis(ConnectionTotals t) {
        long micros = t.open().toNanos() / 1000;
        return String.format(Locale.ROOT, "%d.%03d", micros / 1000, micros % 1000);
    }

    private static String reason(CloseReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }

    private static String quoted(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
