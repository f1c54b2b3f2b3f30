package dev.turnstile.posix;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Starting, watching, signalling and reaping child processes: the seam between a master's
 * decisions and the operating system. {@link Posix#processes()} gives the real one; tests give a
 * double and check what the master decided without forking anything.
 *
 * <p><b>Contract.</b> A pid returned by {@link #spawn} stays this process's child (a zombie once it
 * exits, so the number cannot be reused) until {@link #reap} returns its status; after that the
 * caller must not signal it again. Only children started here are ever waited for: other
 * children of the JVM (such as those of {@link ProcessBuilder}) are left to their owners.
 *
 * <p><b>Thread-safety.</b> {@link #wake} may be called from any thread; the other methods are
 * called by the one master thread.
 */
public interface Processes extends AutoCloseable {

    /** Starts a child; returns its pid. */
    int spawn(Spawn spawn) throws IOException;

    /** waitpid without blocking: the exit status if {@code pid} has ended (and is now reaped), else empty. */
    Optional<ExitStatus> reap(int pid) throws IOException;

    /** Sends {@code signal} to a child that has not been reaped yet. */
    void signal(int pid, Signal signal) throws IOException;

    /**
     * Blocks until a child started here has ended (and is not reaped yet), {@link #wake} was
     * called since the last return, one of {@code readableFds} (the negative ones are ignored) is
     * readable, or {@code timeout} has passed: whichever comes first. A wake-up may be spurious.
     */
    void await(Duration timeout, int... readableFds) throws IOException;

    /** Makes the current or next {@link #await} return at once. Any thread. */
    void wake();

    /** Releases the watch descriptors; children are not touched. */
    @Override
    void close();
}
