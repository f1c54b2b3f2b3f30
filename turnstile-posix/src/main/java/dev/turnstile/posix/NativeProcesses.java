package dev.turnstile.posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Processes} on Linux: posix_spawn to start, a pidfd per child to learn at once that it
 * ended (pidfd_open, Linux 5.3), an eventfd to be woken, poll(2) to wait for any of them, and
 * waitpid(pid, WNOHANG) for exactly the children started here.
 *
 * <p>Without pidfds (an older kernel), {@link #await} waits at most 100 ms at a time, so exits are
 * still noticed promptly, by the caller's next {@link #reap} round.
 *
 * <p><b>Thread-safety.</b> {@link #wake} and {@link #close} from any thread, never overlapping
 * (a wake must not write to a closed, possibly reused, descriptor number); the rest from the
 * master thread. {@code pidfds} is concurrent so that {@link #close} is safe from another thread.
 */
final class NativeProcesses implements Processes {

    private static final long POLL_WITHOUT_PIDFD_MS = 100;

    private final int wakeFd;
    private final Map<Integer, Integer> pidfds = new ConcurrentHashMap<>(); // pid -> pidfd, until reaped
    private final Object wakeLock = new Object();
    private boolean closed; // guarded by wakeLock: no wake() may write to the eventfd's number once it is closed
    private volatile boolean havePidfd = true;

    NativeProcesses() throws IOException {
        this.wakeFd = Libc.eventfd();
    }

    @Override
    public int spawn(Spawn spawn) throws IOException {
        if (!Libc.hasCloseFrom()) {
            Posix.markInheritedCloseOnExec();
        }
        int pid = Libc.spawn(spawn.program(), spawn.searchPath(), spawn.argv(), spawn.envp(), spawn.dupSources());
        if (havePidfd) {
            try {
                pidfds.put(pid, Libc.pidfdOpen(pid));
            } catch (PosixException e) {
                havePidfd = false; // ENOSYS on kernels before 5.3: fall back to short polls
            }
        }
        return pid;
    }

    @Override
    public Optional<ExitStatus> reap(int pid) throws IOException {
        int status = Libc.waitpidNoHang(pid);
        if (status < 0) {
            return Optional.empty();
        }
        Integer pidfd = pidfds.remove(pid);
        if (pidfd != null) {
            Posix.closeQuietly(pidfd);
        }
        return Optional.of(ExitStatus.decode(status));
    }

    @Override
    public void signal(int pid, Signal signal) throws IOException {
        Libc.kill(pid, signal.number());
    }

    @Override
    public void await(Duration timeout, int... readableFds) throws IOException {
        long ms = Math.max(0, Math.min(timeout.toMillis(), Integer.MAX_VALUE));
        if (!havePidfd) {
            ms = Math.min(ms, POLL_WITHOUT_PIDFD_MS);
        }
        Integer[] watched = pidfds.values().toArray(Integer[]::new);
        int readable = 0;
        for (int fd : readableFds) {
            readable += fd >= 0 ? 1 : 0;
        }
        int count = 1 + watched.length + readable;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(Libc.POLLFD_BYTES * count, 8);
            int i = 0;
            setPollIn(fds, i++, wakeFd);
            for (Integer pidfd : watched) {
                setPollIn(fds, i++, pidfd);
            }
            for (int fd : readableFds) {
                if (fd >= 0) {
                    setPollIn(fds, i++, fd);
                }
            }
            Libc.poll(fds, count, (int) ms);
        }
        Libc.eventfdDrain(wakeFd);
    }

    private static void setPollIn(MemorySegment fds, int index, int fd) {
        long at = index * Libc.POLLFD_BYTES;
        fds.set(ValueLayout.JAVA_INT, at, fd);
        fds.set(ValueLayout.JAVA_SHORT, at + 4, Libc.POLLIN);
        fds.set(ValueLayout.JAVA_SHORT, at + 6, (short) 0);
    }

    /** Rings the eventfd; after {@link #close} does nothing (the number may belong to someone else by then). */
    @Override
    public void wake() {
        synchronized (wakeLock) {
            if (closed) {
                return;
            }
            try {
                Libc.eventfdSignal(wakeFd);
            } catch (PosixException e) {
                throw new IllegalStateException("cannot wake the master: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (wakeLock) {
            if (closed) {
                return;
            }
            closed = true;
            pidfds.values().forEach(Posix::closeQuietly);
            pidfds.clear();
            Posix.closeQuietly(wakeFd);
        }
    }
}
