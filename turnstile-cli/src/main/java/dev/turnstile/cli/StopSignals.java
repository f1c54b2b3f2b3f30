package dev.turnstile.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGINT and SIGTERM for a foreground server: the first asks for a graceful stop (counts down
 * {@link #stopRequested()}), the second forces the process out at once. Handlers only count and
 * wake the main thread; the stop itself runs there.
 *
 * <p>Uses {@code sun.misc.Signal} from the JDK's {@code jdk.unsupported} module: the JDK has no
 * supported API for handling a signal without also starting shutdown hooks, and a shutdown
 * hook cannot tell a first signal from a second.
 */
final class StopSignals {

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();

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

    CountDownLatch stopRequested() {
        return stopRequested;
    }
}
