package dev.turnstile.model.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * How a worker notices that its master is gone, so that killing a master never leaves workers
 * behind: {@link #orphaned()} compares the parent's pid with the master's (the parent changes to
 * 1 or a subreaper when the master dies), read through {@link ProcessHandle}; {@link #watch}
 * checks it on a daemon thread, and pool workers check it on every heartbeat.
 *
 * <p>Why not prctl(PR_SET_PDEATHSIG), which signals at once: workers would have to call it
 * through the native layer, and the first FFM call costs a JVM 200 to 800 ms on this machine
 * (measured), more than the rest of a connection worker's start, and it needs native access,
 * which also disables the JDK archive's module graph. Polling costs nothing at start and
 * notices within one period. Workers therefore never touch the native layer at all.
 *
 * <p>Immutable and thread-safe.
 */
public final class ParentWatch {

    private static final Logger log = LoggerFactory.getLogger(ParentWatch.class);

    private final long masterPid;

    public ParentWatch(long masterPid) {
        this.masterPid = masterPid;
    }

    /** True if the parent is no longer the master. */
    public boolean orphaned() {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != masterPid;
    }

    /** Checks every {@code period} on a daemon thread and runs {@code onOrphaned} once when the master is gone. */
    public void watch(Duration period, Runnable onOrphaned) {
        Thread.ofPlatform().daemon().name("turnstile-parent-watch").start(() -> {
            try {
                while (!orphaned()) {
                    Thread.sleep(period);
                }
                log.warn("master {} is gone; stopping", masterPid);
                onOrphaned.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    public long masterPid() {
        return masterPid;
    }
}
