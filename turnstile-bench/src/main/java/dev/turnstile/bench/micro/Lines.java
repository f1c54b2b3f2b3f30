package dev.turnstile.bench.micro;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The request bytes the microbenchmarks feed in: the notes' words as lines. */
final class Lines {

    static final String[] WORDS = {"hello", "bye", "why", "yes", "no", "maybe", "are you sure", "why not?"};

    private Lines() {
    }

    /** {@code count} lines cycling through the notes' words, in a heap buffer. */
    static byte[] batch(int count) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < count; i++) {
            s.append(WORDS[i % WORDS.length]).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Refills {@code buffer} with {@code bytes} and flips it for reading. */
    static ByteBuffer refill(ByteBuffer buffer, byte[] bytes) {
        buffer.clear();
        buffer.put(bytes);
        return buffer.flip();
    }
}
