package dev.turnstile.core.framing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the framer fuzz tests read the fuzzer's bytes, so that a corpus file can be written by hand:
 * byte 0 picks the maximum message length (1 + its low 6 bits: 1 to 64, small enough that
 * "exactly the maximum" and "one past it" are easy to reach); byte 1 picks a variant (the
 * delimiter, the prefix size); the low 3 bits of byte 2 say how many read sizes follow (each
 * 1 + its low 7 bits; none means the whole stream in reads as large as the buffer allows); the
 * rest is the byte stream. Missing header bytes count as 0.
 */
public record FramerFuzzInput(int maxMessageBytes, int variant, List<Integer> readSizes, byte[] stream) {

    /** Read sizes that mean "as much as fits": the stream in as few reads as the buffer allows. */
    private static final List<Integer> WHOLE = List.of(Integer.MAX_VALUE);

    public static FramerFuzzInput parse(byte[] data) {
        int max = 1 + (at(data, 0) & 0x3F);
        int variant = at(data, 1) & 0xFF;
        int count = at(data, 2) & 0x07;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sizes.add(1 + (at(data, 3 + i) & 0x7F));
        }
        int from = Math.min(data.length, 3 + count);
        return new FramerFuzzInput(max, variant, sizes.isEmpty() ? WHOLE : List.copyOf(sizes),
                Arrays.copyOfRange(data, from, data.length));
    }

    private static byte at(byte[] data, int i) {
        return i < data.length ? data[i] : 0;
    }
}
