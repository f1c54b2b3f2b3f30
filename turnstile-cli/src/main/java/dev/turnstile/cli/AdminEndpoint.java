package dev.turnstile.cli;

import dev.turnstile.admin.AdminServer;
import dev.turnstile.core.Server;

import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The admin endpoint of one {@code serve}, if {@code --admin-port} asks for one. A server started
 * by an upgrade shares its admin port with its predecessor until the predecessor stops: it binds
 * the port as soon as the predecessor lets it go (retried for {@link #TAKE_OVER}), instead of
 * failing the upgrade over a status page.
 *
 * <p><b>Thread-safety.</b> {@link #close} may be called from any thread, also while a take-over
 * is still retrying; after it, no admin server stays bound.
 */
final class AdminEndpoint implements AutoCloseable {

    private static final Duration TAKE_OVER = Duration.ofMinutes(2);
    private static final Duration RETRY = Duration.ofMillis(100);

    private final AtomicReference<AdminServer> bound = new AtomicReference<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    private AdminEndpoint() {
    }

    /**
     * Starts the endpoint {@code options} ask for (none without {@code --admin-port}). With
     * {@code afterPredecessor}, a port still held by the server being upgraded is taken once free.
     */
    static AdminEndpoint start(AdminOptions options, Server server, Map<String, String> settings,
                               boolean afterPredecessor) throws IOException {
        AdminEndpoint endpoint = new AdminEndpoint();
        if (options.adminPort == null) {
            return endpoint;
        }
        try {
            endpoint.bound.set(AdminOptions.startOn(options.adminAddress, options.adminPort, server, settings, System.out));
        } catch (BindException e) {
            if (!afterPredecessor || options.adminPort == 0) {
                throw e;
            }
            System.err.println("turnstile: admin port " + options.adminPort + " is still the previous server's;"
                    + " taking it when that one lets it go");
            Thread.ofVirtual().name("turnstile-admin-takeover").start(() -> endpoint.takeOver(options, server, settings));
        }
        return endpoint;
    }

    private void takeOver(AdminOptions options, Server server, Map<String, String> settings) {
        Instant until = Instant.now().plus(TAKE_OVER);
        try {
            while (Instant.now().isBefore(until) && !closed.await(RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    AdminServer admin = AdminOptions.startOn(options.adminAddress, options.adminPort, server, settings,
                            System.out);
                    bound.set(admin);
                    if (closed.getCount() == 0 && bound.compareAndSet(admin, null)) {
                        admin.close(); // closed while it was binding
                    }
                    return;
                } catch (BindException stillHeld) {
                    // the predecessor is still draining; try again
                } catch (IOException | RuntimeException e) {
                    System.err.println("turnstile: admin endpoint not started: " + e.getMessage());
                    return;
                }
            }
            if (closed.getCount() > 0) {
                System.err.println("turnstile: admin port " + options.adminPort + " stayed taken for "
                        + TAKE_OVER.toSeconds() + " s; serving without the admin endpoint");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        AdminServer admin = bound.getAndSet(null);
        if (admin != null) {
            admin.close();
        }
    }
}
