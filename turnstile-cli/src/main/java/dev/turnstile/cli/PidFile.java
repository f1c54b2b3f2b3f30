package dev.turnstile.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * {@code --pid-file}: this process's pid in a file, for scripts that signal the server, as
 * nginx and gunicorn write theirs. Written (atomically, through a temporary file and a rename)
 * once the server listens; removed at a clean stop, and only if it still names us.
 *
 * <p>Refuses to start if the file names a live turnstile process: two servers behind one pid
 * file would leave scripts signalling the wrong one. A stale file (its process gone, or a
 * process that is not turnstile, since pids are reused) is replaced. After an upgrade the new
 * copy takes the file over from its predecessor (nginx and gunicorn do the same), and the old
 * one, which no longer finds itself there, leaves it alone at its stop. Not thread-safe: the main
 * thread writes and removes it.
 */
final class PidFile {

    private final Path path;
    private final long pid;

    private PidFile(Path path, long pid) {
        this.path = path;
        this.pid = pid;
    }

    /**
     * Checks {@code path} before the server starts.
     *
     * @throws IllegalStateException if it names a live turnstile process, with that pid
     */
    static PidFile claim(Path path, long pid) throws IOException {
        return claim(path, pid, Optional.empty());
    }

    /**
     * As {@link #claim(Path, long)}, but the file may name {@code predecessor}: the server this
     * one replaces in an upgrade, which is still running until this one is ready.
     */
    static PidFile claim(Path path, long pid, Optional<Long> predecessor) throws IOException {
        Optional<Long> recorded = read(path);
        if (recorded.isPresent() && recorded.get() != pid && !recorded.equals(predecessor)
                && isLiveTurnstile(recorded.get())) {
            throw new IllegalStateException("pid file " + path + " names turnstile process " + recorded.get()
                    + ", which is running: stop it first, or give another --pid-file");
        }
        return new PidFile(path, pid);
    }

    /** Writes our pid, replacing whatever was there. */
    void write() throws IOException {
        Path absolute = path.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp-" + pid);
        Files.writeString(temporary, pid + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes the file if it still names us (a newer server may have written its own). */
    void remove() throws IOException {
        if (read(path).filter(p -> p == pid).isPresent()) {
            Files.deleteIfExists(path);
        }
    }

    private static Optional<Long> read(Path path) throws IOException {
        try {
            String text = Files.readString(path, StandardCharsets.US_ASCII).trim();
            return text.matches("[0-9]{1,19}") ? Optional.of(Long.parseLong(text)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Alive and, by its command line, a turnstile (its jar, or a JVM running the turnstile
     * classes); a live process whose command line we may not read counts as one, to be safe.
     */
    private static boolean isLiveTurnstile(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().map(line -> line.contains("turnstile")).orElse(true))
                .orElse(false);
    }
}
