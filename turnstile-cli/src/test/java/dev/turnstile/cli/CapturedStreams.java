package dev.turnstile.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Replaces {@code System.out} and {@code System.err} with buffers until closed, for tests of
 * what a command prints. Not thread-safe: one test at a time (surefire runs them so here).
 */
final class CapturedStreams implements AutoCloseable {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream savedOut = System.out;
    private final PrintStream savedErr = System.err;

    private CapturedStreams() {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    static CapturedStreams capture() {
        return new CapturedStreams();
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Puts the original streams back. */
    @Override
    public void close() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }
}
