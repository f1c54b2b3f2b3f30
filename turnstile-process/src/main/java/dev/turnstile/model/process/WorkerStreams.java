package dev.turnstile.model.process;

import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Makes a worker JVM's standard streams safe for a process whose descriptors 0 and 1 may be a
 * client's socket. Nothing may reach the client by way of {@code System.out}, so it is pointed
 * at stderr. And closing a channel obtained from {@link System#inheritedChannel()} points
 * descriptors 0, 1 and 2 at /dev/null (the JDK does so, to really close the socket), which
 * would silence the worker's log; so stderr is reopened first as a descriptor of its own.
 */
public final class WorkerStreams {

    private WorkerStreams() {
    }

    /** Call first thing in a worker's main. */
    public static void protect() {
        PrintStream err = System.err;
        try {
            // the same pipe, terminal or file as descriptor 2, through a new descriptor; append, so a log file is not overwritten
            err = new PrintStream(new FileOutputStream("/proc/self/fd/2", true), true, Charset.defaultCharset());
        } catch (FileNotFoundException | SecurityException e) {
            // stderr is a socket or closed: keep the original and lose the lines written after the connection closes
        }
        System.setErr(err);
        System.setOut(err);
    }
}
