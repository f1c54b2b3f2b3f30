package dev.turnstile.loadgen;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

/**
 * The one shape of latency histogram every part of a run uses, so that any two of them add:
 * microseconds from 0 to one hour, three significant digits. Also their text form in JSON:
 * base64 of HdrHistogram's compressed encoding.
 */
public final class Latency {

    /** The largest value recorded; longer latencies are recorded as this (runs are bounded far below it). */
    public static final long HIGHEST_MICROS = 3_600_000_000L;
    static final int SIGNIFICANT_DIGITS = 3;

    private Latency() {
    }

    /** An empty histogram of the shared shape. */
    public static Histogram newHistogram() {
        return new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    /** Nanoseconds to the recorded microseconds, rounded and clamped to the histogram's range. */
    static long micros(long nanos) {
        return Math.min(Math.max(0, (nanos + 500) / 1000), HIGHEST_MICROS);
    }

    /** Base64 of {@code h}'s compressed encoding. */
    public static String encode(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    /** The histogram {@link #encode} wrote, widened to the shared shape. */
    public static Histogram decode(String base64) {
        try {
            Histogram decoded = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
            Histogram h = newHistogram();
            h.add(decoded);
            return h;
        } catch (DataFormatException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not an encoded latency histogram: " + e.getMessage(), e);
        }
    }
}
