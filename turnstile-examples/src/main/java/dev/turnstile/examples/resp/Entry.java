package dev.turnstile.examples.resp;

import java.util.ArrayDeque;

/**
 * What the store holds under one key: a string or a list, and when it expires.
 *
 * <p>A string entry is immutable (SET and INCR replace it). A list entry's deque is changed in
 * place, but only inside the store's per-key atomic update, so no two threads ever touch one
 * list at the same time. An entry never changes type: a key changes type only by being replaced.
 */
sealed interface Entry {

    /** {@link #expiresAtMillis()} of an entry that never expires. */
    long NEVER = 0;

    /** Wall-clock millisecond at which the entry is gone, or {@link #NEVER}. */
    long expiresAtMillis();

    /** The same value with another expiry. */
    Entry withExpiry(long expiresAtMillis);

    default boolean isExpired(long nowMillis) {
        long at = expiresAtMillis();
        return at != NEVER && at <= nowMillis;
    }

    /** A string value (also what INCR counts in, as decimal text). */
    record Text(byte[] bytes, long expiresAtMillis) implements Entry {
        @Override
        public Entry withExpiry(long at) {
            return new Text(bytes, at);
        }
    }

    /** A list value; never empty while stored (popping the last element removes the key). */
    record Items(ArrayDeque<byte[]> items, long expiresAtMillis) implements Entry {
        @Override
        public Entry withExpiry(long at) {
            return new Items(items, at);
        }
    }
}
