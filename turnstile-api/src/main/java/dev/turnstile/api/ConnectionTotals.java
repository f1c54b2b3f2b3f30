package dev.turnstile.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a closed connection did, as its close is reported ({@link ServerListener#connectionClosed(ConnectionInfo,
 * CloseReason, ConnectionTotals)}): for the access log.
 *
 * @param openedAt when it opened
 * @param open     how long it was open
 * @param messages messages answered on it
 * @param bytesIn  bytes read from its peer
 * @param bytesOut bytes written to its peer
 */
public record ConnectionTotals(Instant openedAt, Duration open, long messages, long bytesIn, long bytesOut) {

    public ConnectionTotals {
        Objects.requireNonNull(openedAt, "openedAt");
        Objects.requireNonNull(open, "open");
    }
}
