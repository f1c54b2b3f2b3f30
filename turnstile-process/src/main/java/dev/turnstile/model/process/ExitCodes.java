package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Signal;

/**
 * What a worker process's exit status means. A connection child exits 0 when its conversation
 * ended as conversations do, or with a code that says why it ended otherwise; any worker exits
 * {@link #CANNOT_BOOT} when its configuration cannot work, so the master stops instead of
 * respawning it forever. Codes follow sysexits.h where one fits.
 */
public final class ExitCodes {

    /** The conversation ended normally (connection child), or the worker stopped as asked (pool worker). */
    public static final int DONE = 0;
    /** The JVM ran out of memory ({@code -XX:+ExitOnOutOfMemoryError} exits with 3). */
    public static final int OUT_OF_MEMORY = 3;
    /** EX_SOFTWARE: the service or the worker failed. */
    public static final int FAILED = 70;
    /** EX_TEMPFAIL: a pool worker served its share of connections and retired, to be replaced. */
    public static final int RECYCLED = 75;
    /** EX_PROTOCOL: the worker's master is gone, so it stopped. */
    public static final int ORPHANED = 76;
    /** EX_CONFIG: the worker cannot boot (unknown service, bad arguments, no socket on stdin). */
    public static final int CANNOT_BOOT = 78;
    /** A connection child's close reason other than the peer's close, as 10 + the reason's ordinal. */
    private static final int CLOSE_REASON_BASE = 10;
    /** A JVM that stops on SIGTERM runs its shutdown hooks and exits with 128 + 15. */
    public static final int TERMINATED = 128 + 15;

    private ExitCodes() {
    }

    /** The exit code a connection child uses for {@code reason}: 0 for the ordinary ends. */
    public static int forCloseReason(CloseReason reason) {
        return reason == CloseReason.PEER_CLOSED ? DONE : CLOSE_REASON_BASE + reason.ordinal();
    }

    /** The close reason a connection child's exit status stands for. */
    public static CloseReason closeReason(ExitStatus status) {
        if (status.signal() != 0) {
            return status.killedBy(Signal.TERM) ? CloseReason.SHUTDOWN : CloseReason.SERVER_ERROR;
        }
        int code = status.code();
        if (code == DONE) {
            return CloseReason.PEER_CLOSED;
        }
        if (code == TERMINATED) {
            return CloseReason.SHUTDOWN;
        }
        int ordinal = code - CLOSE_REASON_BASE;
        CloseReason[] reasons = CloseReason.values();
        return ordinal > 0 && ordinal < reasons.length ? reasons[ordinal] : CloseReason.SERVER_ERROR;
    }

    /** True if a connection child ended in a way worth a warning: a crash, not a conversation's end. */
    public static boolean isCrash(ExitStatus status) {
        if (status.signal() != 0) {
            return !status.killedBy(Signal.TERM);
        }
        int code = status.code();
        return code != DONE && code != TERMINATED && (code <= CLOSE_REASON_BASE || code >= CLOSE_REASON_BASE + CloseReason.values().length);
    }

    /** The status in words, with the meaning of our own codes: {@code exited with code 3 (out of memory)}. */
    public static String describe(ExitStatus status) {
        if (status.signal() != 0) {
            return status.toString();
        }
        String meaning = switch (status.code()) {
            case OUT_OF_MEMORY -> " (out of memory)";
            case FAILED -> " (failed)";
            case RECYCLED -> " (recycled)";
            case ORPHANED -> " (its master is gone)";
            case CANNOT_BOOT -> " (cannot boot)";
            case TERMINATED -> " (stopped by SIGTERM)";
            default -> "";
        };
        return status + meaning;
    }
}
