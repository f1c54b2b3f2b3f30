package dev.turnstile.cli;

import dev.turnstile.core.ListenerDrain;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SIGINT and SIGTERM for a foreground server: the first asks for a graceful stop (counts down
 * {@link #stopRequested()}), the second forces the process out at once. Handlers only count and
 * wake the main thread; the stop itself runs there.
 *
 * <p>Uses {@code sun.misc.Signal} from the JDK's {@code jdk.unsupported} module: the JDK has no
 * supported API for handling a signal without also starting shutdown hooks, and a shutdown
 * hook cannot tell a first signal from a second.
 *
 * <p>An upgrade ({@link UpgradeSignal}) asks for the same graceful stop through {@link #handOver},
 * naming the new copy that took over, so the stop can tell the two apart (no {@code STOPPING=1}
 * to systemd, whose main process is now the successor).
 */
final class StopSignals {

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicReference<Upgrade.Successor> successor = new AtomicReference<>();

    /** Installs the handlers for INT and TERM. */
    static StopSignals install() {
        StopSignals s = new StopSignals();
        for (String name : new String[]{"INT", "TERM"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> s.received("SIG" + signal.getName()));
        }
        return s;
    }

    private void received(String name) {
        if (received.incrementAndGet() == 1) {
            System.err.println("turnstile: " + name + ": stopping gracefully (send it again to force)");
            stopRequested.countDown();
        } else {
            System.err.println("turnstile: " + name + " again: forcing exit");
            Runtime.getRuntime().halt(130);
        }
    }

    /** A new copy of the server is ready on the same socket: stop gracefully for it. Any thread. */
    void handOver(Upgrade.Successor next) {
        ListenerDrain.handOver(); // the successor serves the same sockets: the stop must not seal them
        successor.compareAndSet(null, next);
        stopRequested.countDown();
    }

    /** The new copy this server stops for, if the stop is an upgrade's. */
    Optional<Upgrade.Successor> successor() {
        return Optional.ofNullable(successor.get());
    }

    CountDownLatch stopRequested() {
        return stopRequested;
    }
}
