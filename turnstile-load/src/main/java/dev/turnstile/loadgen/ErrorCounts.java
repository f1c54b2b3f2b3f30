package dev.turnstile.loadgen;

import java.util.ArrayList;
import java.util.List;

/** How many of each {@link ErrorKind} a run saw. Immutable. */
public record ErrorCounts(long mismatches, long missing, long refused, long resets, long timeouts) {

    public static final ErrorCounts NONE = new ErrorCounts(0, 0, 0, 0, 0);

    public ErrorCounts {
        if (mismatches < 0 || missing < 0 || refused < 0 || resets < 0 || timeouts < 0) {
            throw new IllegalArgumentException("error counts must be >= 0");
        }
    }

    /** Counts indexed by {@link ErrorKind#ordinal()}. */
    static ErrorCounts of(long[] byKind) {
        return new ErrorCounts(byKind[ErrorKind.MISMATCH.ordinal()], byKind[ErrorKind.MISSING.ordinal()],
                byKind[ErrorKind.REFUSED.ordinal()], byKind[ErrorKind.RESET.ordinal()],
                byKind[ErrorKind.TIMEOUT.ordinal()]);
    }

    public long count(ErrorKind kind) {
        return switch (kind) {
            case MISMATCH -> mismatches;
            case MISSING -> missing;
            case REFUSED -> refused;
            case RESET -> resets;
            case TIMEOUT -> timeouts;
        };
    }

    public long total() {
        return mismatches + missing + refused + resets + timeouts;
    }

    public ErrorCounts plus(ErrorCounts o) {
        return new ErrorCounts(mismatches + o.mismatches, missing + o.missing, refused + o.refused,
                resets + o.resets, timeouts + o.timeouts);
    }

    /** {@code none}, or the non-zero kinds: {@code 3 missing, 1 timeouts}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (ErrorKind k : ErrorKind.values()) {
            if (count(k) > 0) {
                parts.add(String.format(java.util.Locale.ROOT, "%,d %s", count(k), k.key()));
            }
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }
}
