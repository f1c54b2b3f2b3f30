package dev.turnstile.loadgen;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints progress for a person: on a terminal one line rewritten in place each second; otherwise
 * (a pipe, a log file) a plain line per second. Call {@link #clear()} before printing the summary.
 *
 * <p>Called on the reporter thread only; {@link #clear()} after the run has ended.
 */
public final class ProgressLine implements ProgressListener {

    private final PrintStream out;
    private final boolean terminal;
    private int lastWidth; // reporter thread, then the caller of clear() after the run

    public ProgressLine(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Progress on {@code out}, rewriting one line if this process runs on a terminal. */
    public static ProgressLine forConsole(PrintStream out) {
        java.io.Console console = System.console();
        return new ProgressLine(out, console != null && console.isTerminal());
    }

    @Override
    public void onProgress(ProgressSample s) {
        String line = format(s);
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Removes the rewritten line, if any, so that what follows starts on a clean line. */
    public void clear() {
        if (terminal && lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            out.flush();
            lastWidth = 0;
        }
    }

    static String format(ProgressSample s) {
        return String.format(Locale.ROOT, "[%6.1fs %-10s] %,11.0f msgs/s  p99 %9s  open %,7d  errors %,d",
                s.elapsed().toMillis() / 1e3, s.phase(), s.messagesPerSecond(), Summary.micros(s.p99Micros()),
                s.open(), s.errors().total());
    }
}
