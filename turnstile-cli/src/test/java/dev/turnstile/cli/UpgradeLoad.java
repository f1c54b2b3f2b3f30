package dev.turnstile.cli;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The load an upgrade must not notice, against an echo-uppercase server on loopback: long
 * conversations (ping-pong: {@code messages} lines, {@code pause} apart, then a close and a new
 * conversation at once), and churn (connect, one line, its reply, close) started at a fixed rate
 * whether or not earlier ones have finished, so a stall shows as connections waiting, not as
 * fewer attempts. Every reply is checked byte for byte.
 *
 * <p><b>What it counts.</b> {@code refused}: a connect that failed (refused or timed out);
 * {@code resets}: a connection reset or broken under a client; {@code missing}: the server closed
 * or went quiet (15 s) with a reply due; {@code wrong}: a reply other than the expected one;
 * {@code other}: any other failure. A server that hands over without a gap leaves all five at 0.
 * Conversations are shorter than the server's drain, so none needs to be cut by the old server.
 *
 * <p><b>Threads.</b> One scheduler thread paces (the churn's rate, each conversation's pauses);
 * every blocking exchange runs on a virtual thread. Counters are atomic; {@link #close} stops new
 * work and waits for what is under way.
 */
final class UpgradeLoad implements AutoCloseable {

    private static final int TIMEOUT_MS = 15_000;

    record Counts(long answered, long churned, long conversations, long refused, long resets, long missing, long wrong,
                  long other, String firstProblem) {
        long failures() {
            return refused + resets + missing + wrong + other;
        }
    }

    private final int port;
    private final int messages;
    private final Duration pause;
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("upgrade-load-pacer").unstarted(r));
    private final ExecutorService exchanges = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong churned = new AtomicLong();
    private final AtomicLong conversations = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong missing = new AtomicLong();
    private final AtomicLong wrong = new AtomicLong();
    private final AtomicLong other = new AtomicLong();
    private final AtomicReference<String> firstProblem = new AtomicReference<>();
    private volatile boolean stopping;

    private UpgradeLoad(int port, int messages, Duration pause) {
        this.port = port;
        this.messages = messages;
        this.pause = pause;
    }

    /** Starts {@code talkers} conversations of {@code messages} lines {@code pause} apart, and {@code churnPerSecond} churns. */
    static UpgradeLoad start(int port, int talkers, int messages, Duration pause, int churnPerSecond) {
        UpgradeLoad load = new UpgradeLoad(port, messages, pause);
        for (int i = 0; i < talkers; i++) {
            int talker = i;
            load.exchanges.execute(() -> load.converse(talker, 0));
        }
        long every = 1_000_000L / churnPerSecond;
        AtomicLong churnNumber = new AtomicLong();
        load.pacer.scheduleAtFixedRate(() -> {
            long n = churnNumber.incrementAndGet();
            load.exchanges.execute(() -> load.churn(n));
        }, every, every, TimeUnit.MICROSECONDS);
        return load;
    }

    Counts counts() {
        return new Counts(answered.get(), churned.get(), conversations.get(), refused.get(), resets.get(), missing.get(),
                wrong.get(), other.get(), firstProblem.get());
    }

    /** One conversation of talker {@code t}; the next starts when it ends (on this virtual thread). */
    private void converse(int t, long round) {
        while (!stopping) {
            try (Socket s = connect()) {
                if (s == null) {
                    return;
                }
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                for (int m = 0; m < messages; m++) {
                    if (!exchange(in, out, "talk " + t + "." + round + "." + m)) {
                        return;
                    }
                    if (m + 1 < messages && !pace()) {
                        return;
                    }
                }
                conversations.incrementAndGet();
            } catch (IOException e) {
                other.incrementAndGet();
                problem("closing a conversation: " + e);
                return;
            }
            round++;
        }
    }

    private void churn(long n) {
        if (stopping) {
            return;
        }
        try (Socket s = connect()) {
            if (s != null && exchange(new BufferedInputStream(s.getInputStream()), s.getOutputStream(), "churn " + n)) {
                churned.incrementAndGet();
            }
        } catch (IOException e) {
            other.incrementAndGet();
            problem("closing a churn connection: " + e);
        }
    }

    /** A connected socket, or null (counted as refused). */
    private Socket connect() {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            return s;
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing was sent on it
            }
            refused.incrementAndGet();
            problem("connect: " + e);
            return null;
        }
    }

    /** Sends {@code line} and checks its uppercase echo; false (counted) if that failed. */
    private boolean exchange(InputStream in, OutputStream out, String line) {
        String expected = line.toUpperCase(Locale.ROOT) + "\n";
        try {
            out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] want = expected.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < want.length; i++) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("end of stream after " + i + " of " + want.length + " bytes");
                }
                if (b != want[i]) {
                    wrong.incrementAndGet();
                    problem("'" + line + "': byte " + i + " is '" + (char) b + "', not '" + (char) want[i] + "'");
                    return false;
                }
            }
            answered.incrementAndGet();
            return true;
        } catch (EOFException | SocketTimeoutException e) {
            missing.incrementAndGet();
            problem("'" + line + "': no reply: " + e);
        } catch (ConnectException e) {
            refused.incrementAndGet();
            problem("'" + line + "': " + e);
        } catch (SocketException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            (m.contains("reset") || m.contains("broken pipe") ? resets : other).incrementAndGet();
            problem("'" + line + "': " + e);
        } catch (IOException e) {
            other.incrementAndGet();
            problem("'" + line + "': " + e);
        }
        return false;
    }

    /** Waits out the pause between two messages of a conversation (load pacing, not synchronisation); false if stopping. */
    private boolean pace() {
        try {
            return pacer.schedule(() -> !stopping, pause.toNanos(), TimeUnit.NANOSECONDS).get();
        } catch (ExecutionException | CancellationException | RejectedExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void problem(String what) {
        firstProblem.compareAndSet(null, what);
    }

    /** Stops starting churns and conversations, and waits for the exchanges under way. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        pacer.shutdownNow().forEach(task -> ((Future<?>) task).cancel(false)); // wakes conversations waiting out a pause
        exchanges.shutdown();
        if (!exchanges.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the load's exchanges did not end within 60 s");
        }
    }
}
