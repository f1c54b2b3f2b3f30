package dev.turnstile.posix;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;

/**
 * A line from a master to one spare process, along which the master hands it a connection it
 * accepted: an AF_UNIX stream socket pair, whose child end becomes the spare's standard input.
 * The spare says once that it is ready (one byte), then waits for the connection: one byte
 * carrying the socket's descriptor (SCM_RIGHTS), which it moves onto its descriptors 0 and 1,
 * where a process-per-connection child finds its connection; from there it is a child like any
 * other. The spare's side is {@link HandOffReceiver}. The master's end closing before a
 * connection came means "not needed": the spare exits.
 *
 * <p><b>Ownership.</b> The master owns both ends until the spawn; then it closes the child end
 * ({@link #closeChildEnd}) and keeps its own until it has handed off a connection or retires the
 * spare ({@link #close}). Every descriptor is close-on-exec, and a spawn gives the child only the
 * ones it names, so no other process ever holds a line.
 *
 * <p><b>Thread-safety.</b> The master thread's.
 */
public final class HandOffLine implements Closeable {

    /** The byte that carries the connection. */
    private static final byte CONNECTION = 'C';

    private final int masterEnd;
    private int childEnd; // -1 once closed; master thread only
    private boolean ready; // master thread only
    private boolean silent; // master thread only: the spare closed its end before saying anything

    private HandOffLine(int masterEnd, int childEnd) {
        this.masterEnd = masterEnd;
        this.childEnd = childEnd;
    }

    /** A new line; give {@link #childEnd()} to the spare as its stdin, then {@link #closeChildEnd()}. */
    public static HandOffLine open() throws IOException {
        Posix.requireSupported();
        int[] pair = Libc.unixStreamPair();
        return new HandOffLine(pair[0], pair[1]);
    }

    /** The descriptor the spare gets as its standard input. */
    public int childEnd() {
        if (childEnd < 0) {
            throw new IllegalStateException("the child end was closed");
        }
        return childEnd;
    }

    /** Closes the master's copy of the child end, once the spare has its own (or could not be started). */
    public void closeChildEnd() {
        if (childEnd >= 0) {
            Posix.closeQuietly(childEnd);
            childEnd = -1;
        }
    }

    /** The master's end: readable when the spare said it is ready, or is gone. */
    public int fd() {
        return masterEnd;
    }

    /**
     * True once the spare has said it is ready; reads what it said without waiting. False while
     * it is still starting, and also if it is gone (its exit is reaped and reported elsewhere).
     */
    public boolean ready() throws IOException {
        if (!ready && !silent) {
            try (Arena arena = Arena.ofConfined()) {
                long n = Libc.receiveNow(masterEnd, arena.allocate(1));
                ready = n > 0;
                silent = n == 0;
            }
        }
        return ready;
    }

    /** True while the spare may still say it is ready: worth waking for when {@link #fd()} is readable. */
    public boolean awaitingReady() {
        return !ready && !silent;
    }

    /**
     * Hands the spare a copy of {@code connection}'s descriptor; the caller still owns its own
     * and closes it as usual. Throws (EPIPE) if the spare is gone, and then it has nothing.
     */
    public void handOff(AcceptedSocket connection) throws IOException {
        Libc.sendDescriptor(masterEnd, CONNECTION, connection.fd());
    }

    /** Closes the master's ends: a spare still waiting sees the end of the line and exits. */
    @Override
    public void close() {
        closeChildEnd();
        Posix.closeQuietly(masterEnd);
    }
}
