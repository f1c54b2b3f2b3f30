package dev.turnstile.loadgen;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The entry point of a child process of a {@code --processes} run; not for people. It speaks a
 * line protocol with its parent ({@link ChildProcess}):
 *
 * <pre>
 *   child → parent   ready OPEN                       connects settled, OPEN connections open
 *   parent → child   go                               start now (end of input instead: give up)
 *   child → parent   progress MESSAGES OPEN MISMATCHES MISSING REFUSED RESETS TIMEOUTS HISTOGRAM
 *   child → parent   result JSON                      the child's {@link LoadResult}, last line
 *   child → parent   error MESSAGE                    the child could not run; exit status 2
 * </pre>
 */
public final class LoadChild {

    /** Exit status of a child that could not run. */
    static final int FAILED = 2;

    private LoadChild() {
    }

    public static void main(String[] args) {
        PrintStream parent = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        int status = 0;
        try {
            LoadOptions options = ChildArguments.decode(args);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            StartGate gate = open -> {
                parent.println("ready " + open);
                if (!"go".equals(in.readLine())) {
                    throw new IOException("the parent process called the run off");
                }
            };
            ProgressListener progress = s -> parent.println("progress " + s.messages() + " " + s.open() + " "
                    + s.errors().mismatches() + " " + s.errors().missing() + " " + s.errors().refused() + " "
                    + s.errors().resets() + " " + s.errors().timeouts() + " " + Latency.encode(s.recentLatency()));
            LoadResult result = new LoadRun(options, progress, gate).run();
            parent.println("result " + result.toJson());
        } catch (Exception e) {
            parent.println("error " + String.valueOf(e.getMessage()).replace('\n', ' '));
            status = FAILED;
        }
        parent.flush();
        System.exit(status);
    }
}
