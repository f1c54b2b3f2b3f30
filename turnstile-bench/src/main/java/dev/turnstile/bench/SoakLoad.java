package dev.turnstile.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's mixed load against one server ({@link SoakMix}, {@link SoakRole}): held clients
 * (conversations, idle, slow readers) each loop on a virtual thread of their own, one connection
 * after another; churn and oversize connections are started at a fixed rate, each on a virtual
 * thread, at most {@link #MAX_IN_FLIGHT} of a role at once (beyond that a start is skipped and
 * counted, so a stalled server is not buried under threads). Blocking sockets: the load runs in the
 * bench's own JVM, which is not the process measured.
 *
 * <p><b>Outcomes.</b> Every reply is checked against the echo service's answer. A server close is
 * expected where the role provokes it (an idle connection past the idle timeout, a slow reader past
 * the pending bound or the write timeout, an oversize line) and counted as such; anywhere else it
 * is a failure, as are a wrong reply, no reply within {@link #REPLY_TIMEOUT}, or an oversize line
 * the server has not closed on within {@link #REPLY_TIMEOUT}.
 *
 * <p><b>Thread-safety.</b> {@link #start} and {@link #stop} are called once each by one thread;
 * clients count into the tallies (thread-safe) and register each open socket in {@code open}, so
 * that {@link #stop} can close them all.
 */
final class SoakLoad {

    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_IN_FLIGHT = 64;
    private static final int SLOW_LINE_BYTES = 4 * 1024;
    private static final Duration FAILURE_PAUSE = Duration.ofSeconds(1);

    private final InetSocketAddress server;
    private final SoakMix mix;
    private final Map<SoakRole, SoakTally> tallies = new EnumMap<>(SoakRole.class);
    private final Map<SoakRole, Semaphore> inFlight = new EnumMap<>(SoakRole.class);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Thread> loops = new ArrayList<>();   // the caller's thread only
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean stopping;

    SoakLoad(InetSocketAddress server, SoakMix mix) {
        this.server = server;
        this.mix = mix;
        for (SoakRole role : SoakRole.values()) {
            tallies.put(role, new SoakTally());
            inFlight.put(role, new Semaphore(MAX_IN_FLIGHT));
        }
    }

    /** Starts every client of the mix. */
    void start() {
        held(SoakRole.PING_PONG, mix.conversations(), this::converse);
        held(SoakRole.IDLE, mix.idleConnections(), this::idle);
        held(SoakRole.SLOW_READER, mix.slowReaders(), this::readSlowly);
        paced(SoakRole.CHURN, mix.churnPerSecond(), this::churn);
        paced(SoakRole.OVERSIZE, mix.oversizePerSecond(), this::oversize);
    }

    /**
     * Stops every client: closes their sockets and waits up to {@code grace} for their threads;
     * returns what each role did. A client cut short by the stop is counted neither as completed nor as failed.
     */
    Map<SoakRole, SoakTally.Counts> stop(Duration grace) throws InterruptedException {
        stopping = true;
        long deadline = System.nanoTime() + grace.toNanos();
        loops.forEach(Thread::interrupt);
        open.forEach(SoakLoad::closeQuietly);
        for (Thread loop : loops) {
            loop.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        for (Semaphore permits : inFlight.values()) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (permits.tryAcquire(MAX_IN_FLIGHT, left, TimeUnit.NANOSECONDS)) {
                permits.release(MAX_IN_FLIGHT);
            }
        }
        open.forEach(SoakLoad::closeQuietly); // any opened while the loops were ending
        Map<SoakRole, SoakTally.Counts> counts = new EnumMap<>(SoakRole.class);
        tallies.forEach((role, tally) -> counts.put(role, tally.counts()));
        return counts;
    }

    /** One connection's life for a role; an IOException is judged by {@link #episode}. */
    private interface Episode {
        void run(Socket socket, SoakTally tally, long id) throws IOException, InterruptedException;
    }

    private void held(SoakRole role, int clients, Episode episode) {
        for (int i = 0; i < clients; i++) {
            loops.add(Thread.ofVirtual().name("turnstile-soak-" + role.label() + "-" + i).start(() -> {
                while (!stopping) {
                    if (!episode(role, episode)) {
                        pause(FAILURE_PAUSE); // a dead or refusing server is not hammered
                    }
                }
            }));
        }
    }

    private void paced(SoakRole role, double perSecond, Episode episode) {
        if (perSecond <= 0) {
            return;
        }
        long periodNanos = Math.round(1e9 / perSecond);
        loops.add(Thread.ofVirtual().name("turnstile-soak-" + role.label() + "-pacer").start(() -> {
            long next = System.nanoTime();
            while (!stopping) {
                next += periodNanos;
                pause(Duration.ofNanos(next - System.nanoTime()));
                if (stopping) {
                    return;
                }
                Semaphore permits = inFlight.get(role);
                if (!permits.tryAcquire()) {
                    tallies.get(role).skipped();
                    continue;
                }
                Thread.ofVirtual().name("turnstile-soak-" + role.label()).start(() -> {
                    try {
                        episode(role, episode);
                    } finally {
                        permits.release();
                    }
                });
            }
        }));
    }

    /** Runs one connection; false if it failed. */
    private boolean episode(SoakRole role, Episode episode) {
        SoakTally tally = tallies.get(role);
        Socket socket = new Socket();
        open.add(socket);
        try {
            socket.setTcpNoDelay(true);
            socket.connect(server, (int) REPLY_TIMEOUT.toMillis());
            tally.connected();
            episode.run(socket, tally, sequence.incrementAndGet());
            return true;
        } catch (IOException e) {
            if (stopping) {
                return true; // closed by stop()
            }
            tally.failed(role.label() + ": " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop() ends the loop
            return true;
        } finally {
            open.remove(socket);
            closeQuietly(socket);
        }
    }

    /** A conversation: messages, each reply checked, a pause after each; a server close is a failure. */
    private void converse(Socket socket, SoakTally tally, long id) throws IOException, InterruptedException {
        socket.setSoTimeout((int) REPLY_TIMEOUT.toMillis());
        OutputStream out = socket.getOutputStream();
        BufferedReader in = reader(socket);
        for (int n = 1; n <= mix.messagesPerConversation() && !stopping; n++) {
            if (!exchange(out, in, "soak ping-pong " + id + " message " + n, tally)) {
                return;
            }
            tally.message();
            pause(mix.messagePause());
        }
        if (!stopping) {
            tally.completed();
        }
    }

    private void churn(Socket socket, SoakTally tally, long id) throws IOException {
        socket.setSoTimeout((int) REPLY_TIMEOUT.toMillis());
        if (exchange(socket.getOutputStream(), reader(socket), "soak churn " + id, tally)) {
            tally.message();
            tally.completed();
        }
    }

    /** Silent for {@link SoakMix#idleHold}: a server close meanwhile is its idle timeout; still open, one message. */
    private void idle(Socket socket, SoakTally tally, long id) throws IOException {
        socket.setSoTimeout((int) mix.idleHold().toMillis());
        InputStream in = socket.getInputStream();
        try {
            int b = in.read();
            if (b < 0) {
                tally.closedByServer();
            } else if (!stopping) {
                tally.failed(SoakRole.IDLE.label() + ": the server sent a byte to a silent client");
            }
            return;
        } catch (SocketTimeoutException e) {
            // held for the whole period and still open: it must still answer
        } catch (SocketException e) {
            if (!stopping) {
                tally.closedByServer(); // reset on the idle close
            }
            return;
        }
        socket.setSoTimeout((int) REPLY_TIMEOUT.toMillis());
        if (exchange(socket.getOutputStream(), reader(socket), "soak idle " + id, tally)) {
            tally.message();
            tally.completed();
        }
    }

    /**
     * Sends {@link SoakMix#slowReaderBytes} of 4 KiB lines from a second thread, reads nothing for
     * {@link SoakMix#slowReaderStall}, then reads at {@link SoakMix#slowReadBytesPerSecond} until
     * {@link SoakMix#slowReaderHold} is over, and closes with replies unread. A server close (write
     * timeout, slow consumer) is expected.
     */
    private void readSlowly(Socket socket, SoakTally tally, long id) throws IOException, InterruptedException {
        byte[] line = new byte[SLOW_LINE_BYTES];
        Arrays.fill(line, (byte) 'x');
        byte[] prefix = ("soak slow-reader " + id + " ").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        line[line.length - 1] = '\n';
        OutputStream out = socket.getOutputStream();
        Thread writer = Thread.ofVirtual().name("turnstile-soak-slow-writer").start(() -> {
            try {
                for (int sent = 0; sent < mix.slowReaderBytes() && !socket.isClosed(); sent += line.length) {
                    out.write(line);
                }
            } catch (IOException e) {
                // the server closed on us, or the reader closed at the end of its hold: both expected
            }
        });
        try {
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[1024];
            long pauseNanos = Math.round(chunk.length * 1e9 / mix.slowReadBytesPerSecond());
            long end = System.nanoTime() + mix.slowReaderHold().toNanos();
            pause(mix.slowReaderStall()); // the server's write timeout runs out meanwhile
            socket.setSoTimeout((int) Math.max(1, mix.slowReaderHold().toMillis()));
            while (!stopping && System.nanoTime() < end) {
                int n;
                try {
                    n = in.read(chunk);
                } catch (SocketTimeoutException e) {
                    break; // nothing to read for the whole hold: held, so done
                } catch (SocketException e) {
                    if (!stopping) {
                        tally.closedByServer();
                    }
                    return;
                }
                if (n < 0) {
                    tally.closedByServer();
                    return;
                }
                tally.message();
                pause(Duration.ofNanos(pauseNanos));
            }
            if (!stopping) {
                tally.completed();
            }
        } finally {
            closeQuietly(socket); // ends the writer if it is still blocked
            writer.join(REPLY_TIMEOUT);
        }
    }

    /** One line past the maximum; the server must close within {@link #REPLY_TIMEOUT}. */
    private void oversize(Socket socket, SoakTally tally, long id) throws IOException {
        byte[] line = new byte[mix.oversizeBytes() + 1];
        Arrays.fill(line, (byte) 'x');
        line[line.length - 1] = '\n';
        socket.setSoTimeout((int) REPLY_TIMEOUT.toMillis());
        try {
            socket.getOutputStream().write(line);
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            while (in.read(sink) >= 0) {
                // an error reply, if the server sends one, before it closes
            }
            tally.closedByServer();
        } catch (SocketTimeoutException e) {
            tally.failed(SoakRole.OVERSIZE.label() + ": the server did not close within "
                    + REPLY_TIMEOUT.toSeconds() + " s of a line of " + line.length + " bytes");
        } catch (SocketException e) {
            if (!stopping) {
                tally.closedByServer(); // reset: it closed with our bytes unread
            }
        }
    }

    /** Sends {@code message} as a line and checks the reply; false (counted) if the reply is wrong or missing. */
    private boolean exchange(OutputStream out, BufferedReader in, String message, SoakTally tally) throws IOException {
        out.write((message + "\n").getBytes(StandardCharsets.US_ASCII));
        String reply = in.readLine();
        String expected = message.toUpperCase(Locale.ROOT);
        if (reply == null) {
            if (!stopping) {
                tally.failed("closed by the server before the reply to '" + message + "'");
            }
            return false;
        }
        if (!reply.equals(expected)) {
            tally.failed("wrong reply to '" + message + "': '" + reply + "'");
            return false;
        }
        return true;
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** A pacing pause (not synchronisation); ends early, with the interrupt kept, when stop() interrupts. */
    private static void pause(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing more to do
        }
    }
}
