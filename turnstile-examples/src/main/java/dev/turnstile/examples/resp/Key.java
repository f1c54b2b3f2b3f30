package dev.turnstile.examples.resp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A key of the store: any bytes, compared by content (Redis keys are binary-safe, so a
 * {@code String} would not do). Immutable: it owns a copy of its bytes and caches its hash.
 */
final class Key {

    private final byte[] bytes;
    private final int hash;

    /** Takes ownership of {@code bytes}: the caller must not change them afterwards. */
    Key(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Key key && key.hash == hash && Arrays.equals(key.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
