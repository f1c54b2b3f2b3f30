package dev.turnstile.cli;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * SIGUSR2 for a foreground server: upgrade without a gap ({@link Upgrade}). The handler only
 * starts one upgrade at a time on a thread of its own, "turnstile-upgrade"; a second USR2 while
 * one runs is logged and ignored. A new copy that becomes ready is handed to {@code readyThen}
 * (the caller's graceful stop); one that does not leaves this server serving, with the reason
 * on stderr, and a later USR2 may try again.
 *
 * <p>Uses {@code sun.misc.Signal}, as {@link StopSignals} does (the JVM leaves USR2 to the
 * application on Linux; HotSpot's own suspend signal only matters to threads it suspends).
 *
 * <p>Thread-safety: {@code running} is the one piece of state, set by compare-and-set.
 */
final class UpgradeSignal {

    private final Upgrade upgrade;
    private final Consumer<Upgrade.Successor> readyThen;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean done; // set once a successor took over: later signals are ignored

    private UpgradeSignal(Upgrade upgrade, Consumer<Upgrade.Successor> readyThen) {
        this.upgrade = upgrade;
        this.readyThen = readyThen;
    }

    /** Installs the handler for USR2. */
    static UpgradeSignal install(Upgrade upgrade, Consumer<Upgrade.Successor> readyThen) {
        UpgradeSignal s = new UpgradeSignal(upgrade, readyThen);
        sun.misc.Signal.handle(new sun.misc.Signal("USR2"), signal -> s.received());
        return s;
    }

    private void received() {
        if (done) {
            System.err.println("turnstile: SIGUSR2: already upgraded; this server is draining");
            return;
        }
        if (!running.compareAndSet(false, true)) {
            System.err.println("turnstile: SIGUSR2: an upgrade is already under way; ignored");
            return;
        }
        System.err.println("turnstile: SIGUSR2: upgrading: starting a new copy of this server on the same socket");
        Thread.ofPlatform().name("turnstile-upgrade").daemon().start(this::run);
    }

    private void run() {
        try {
            Upgrade.Successor successor = upgrade.start();
            done = true;
            System.err.println("turnstile: upgrade: pid " + successor.pid() + " is ready (" + successor.took().toMillis()
                    + " ms after the spawn); this server stops accepting and drains");
            readyThen.accept(successor);
        } catch (IOException | RuntimeException e) {
            System.err.println("turnstile: upgrade failed: " + e.getMessage() + "; this server (pid "
                    + ProcessHandle.current().pid() + ") goes on serving");
        } finally {
            running.set(false);
        }
    }
}
