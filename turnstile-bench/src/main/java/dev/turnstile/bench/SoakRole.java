package dev.turnstile.bench;

import java.util.Locale;

/**
 * The kinds of client in a soak's mixed load ({@link SoakLoad}), each soaking a path of the
 * server: the hot path, accept and close, idle expiry, back-pressure on writes, and framing errors.
 */
enum SoakRole {
    /** Long conversations: many messages, each reply checked, then close and start again. */
    PING_PONG("long ping-pong conversations"),
    /** Connect, one message, its reply, close: accept and close over and over. */
    CHURN("connect, one message, close"),
    /** Connect and say nothing past the server's idle timeout, then one message if still open. */
    IDLE("idle connections"),
    /** Send megabytes without reading, then read slowly and close with replies unread. */
    SLOW_READER("slow readers"),
    /** Send one line past the server's maximum; the server must close the connection. */
    OVERSIZE("oversize messages");

    private final String description;

    SoakRole(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /** {@code ping-pong}, {@code slow-reader}: as in soak.json and the report. */
    String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
