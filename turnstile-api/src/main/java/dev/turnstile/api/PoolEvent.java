package dev.turnstile.api;

import java.time.Instant;

/**
 * A pool size change and why it happened.
 *
 * @param at     when
 * @param size   the pool size after the change
 * @param reason in words, such as "grew to 5: 4 busy, 2 waiting"
 */
public record PoolEvent(Instant at, int size, String reason) {
}
