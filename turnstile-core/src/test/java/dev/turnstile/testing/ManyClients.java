package dev.turnstile.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Many clients at once against a {@link RunningServer}, each on its own thread: client {@code i}
 * asks "client i message m" for m below {@code messages} and checks each reply is that line
 * uppercased. Shows that a model serves more conversations than it has workers, and in order.
 */
public final class ManyClients {

    private ManyClients() {
    }

    /**
     * Runs {@code clients} conversations of {@code messages} messages at once; fails naming the
     * first client that got a wrong reply, or did not finish within {@code timeout} (for each).
     */
    public static void converse(RunningServer server, int clients, int messages, Duration timeout)
            throws InterruptedException {
        converse(server::connect, clients, messages, timeout);
    }

    /** As {@link #converse(RunningServer, int, int, Duration)}, each client made by {@code connect} (a TLS one, say). */
    public static void converse(java.util.function.Supplier<LineClient> connect, int clients, int messages,
                                Duration timeout) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                results.add(pool.submit(() -> {
                    int verified = 0;
                    try (LineClient client = connect.get()) {
                        for (int m = 0; m < messages; m++) {
                            if (client.ask("client " + id + " message " + m).equals("CLIENT " + id + " MESSAGE " + m)) {
                                verified++;
                            }
                        }
                    }
                    return verified;
                }));
            }
            for (int c = 0; c < clients; c++) {
                int verified;
                try {
                    verified = results.get(c).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    throw new AssertionError("client " + c + " did not finish its conversation: " + e, e);
                }
                if (verified != messages) {
                    throw new AssertionError("client " + c + " got " + verified + " of " + messages + " replies right");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
