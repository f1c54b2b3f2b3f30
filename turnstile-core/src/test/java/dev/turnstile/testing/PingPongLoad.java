package dev.turnstile.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many ping-pong conversations on one selector thread, so a thousand connections need no thousand
 * threads: connection {@code i} sends {@code p<i>.<m>\n}, waits for exactly {@code P<i>.<m>\n} (the
 * echo-uppercase reply), checks it byte by byte, waits {@code pause}, and sends message
 * {@code m + 1}, until the server closes the connection or the load is closed. For fault tests: the
 * server stops, or a worker dies, in the middle, and the {@link Tally} says what became of each
 * conversation's last message.
 *
 * <p><b>Outcomes.</b> Every connection ends in one of: still {@code OPEN}; {@code UNANSWERED}
 * (closed, by end of stream or reset, while a message was out and none of its reply had come);
 * {@code BETWEEN} (closed while waiting out the pause, nothing out); {@code PARTIAL} (closed after
 * some but not all bytes of a reply: a reply cut mid-way); {@code WRONG} (a byte that is not the
 * expected reply's); {@code REFUSED} (the connect failed). A
 * server that loses no reply has handled exactly {@link Tally#answered} messages: every message
 * it handled was answered completely, and each {@code UNANSWERED} message was never read.
 *
 * <p><b>Thread-safety.</b> The loop thread owns the sockets and the bytes; the counters and outcomes
 * are atomic arrays any thread may read while it runs.
 */
public final class PingPongLoad implements AutoCloseable {

    /** What became of a connection. */
    public enum Outcome { CONNECTING, OPEN, BETWEEN, UNANSWERED, PARTIAL, WRONG, REFUSED }

    /**
     * The end state: full replies received, and how many connections ended each way.
     *
     * @param answered    complete, correct replies received, over all connections
     * @param between     connections closed between a reply and the next message (nothing was out)
     * @param unanswered  connections closed with a message out and no byte of its reply
     * @param partial     connections closed in the middle of a reply
     * @param wrong       connections that received a byte that does not belong to the expected reply
     */
    public record Tally(int connections, long answered, int open, int between, int unanswered, int partial, int wrong,
                        int refused, String firstProblem) {
        /** Connections the server closed cleanly: between messages, or with the last message not answered at all. */
        public int closedCleanly() {
            return between + unanswered;
        }
    }

    private final int count;
    private final Duration pause;
    private final Selector selector;
    private final Conversation[] conversations;
    private final AtomicLongArray answered;
    private final AtomicIntegerArray outcomes;
    private final AtomicReference<String> firstProblem = new AtomicReference<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread loop;
    private volatile boolean stopping;

    private PingPongLoad(int port, int count, Duration pause) throws IOException {
        this.count = count;
        this.pause = pause;
        this.selector = Selector.open();
        this.conversations = new Conversation[count];
        this.answered = new AtomicLongArray(count);
        this.outcomes = new AtomicIntegerArray(count);
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conversation c = new Conversation(i, channel);
            conversations[i] = c;
            try {
                if (channel.connect(server)) {
                    c.key = channel.register(selector, 0, c);
                    c.connected();
                } else {
                    c.key = channel.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } catch (IOException e) {
                c.end(Outcome.REFUSED, "connect failed: " + e);
            }
        }
        this.loop = Thread.ofPlatform().name("ping-pong-clients").daemon().unstarted(this::run);
    }

    /**
     * Opens {@code connections} to 127.0.0.1:{@code port} and starts talking on all of them at once;
     * each waits {@code pause} between a reply and its next message.
     */
    public static PingPongLoad start(int port, int connections, Duration pause) {
        try {
            PingPongLoad load = new PingPongLoad(port, connections, pause);
            load.loop.start();
            return load;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int connections() {
        return count;
    }

    /** Complete replies connection {@code i} has received so far. */
    public long answered(int i) {
        return answered.get(i);
    }

    /** Complete replies received so far, over all connections. */
    public long answered() {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += answered.get(i);
        }
        return sum;
    }

    public Outcome outcome(int i) {
        return Outcome.values()[outcomes.get(i)];
    }

    /** The client port of connection {@code i}: the peer port the server sees. */
    public int localPort(int i) {
        try {
            return ((InetSocketAddress) conversations[i].channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until every connection has at least {@code replies} complete replies; fails after {@code limit}. */
    public void awaitEveryConnectionAnswered(long replies, Duration limit) {
        Poll.until("every one of " + count + " connections answered " + replies + " times", limit,
                this::fewestAnswered, fewest -> fewest >= replies);
    }

    /** The fewest complete replies any connection has received. */
    public long fewestAnswered() {
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            fewest = Math.min(fewest, answered.get(i));
        }
        return fewest;
    }

    /** The tally as it stands now. */
    public Tally tally() {
        int[] by = new int[Outcome.values().length];
        for (int i = 0; i < count; i++) {
            by[outcomes.get(i)]++;
        }
        return new Tally(count, answered(), by[Outcome.OPEN.ordinal()] + by[Outcome.CONNECTING.ordinal()],
                by[Outcome.BETWEEN.ordinal()], by[Outcome.UNANSWERED.ordinal()], by[Outcome.PARTIAL.ordinal()], by[Outcome.WRONG.ordinal()],
                by[Outcome.REFUSED.ordinal()], firstProblem.get());
    }

    /** Waits until the server has closed every connection; fails after {@code limit}, with the tally. */
    public Tally awaitAllClosed(Duration limit) {
        return Poll.until("the server to close all " + count + " connections", limit, this::tally, t -> t.open() == 0);
    }

    /** Stops the loop and closes every connection still open. */
    @Override
    public void close() {
        stopping = true;
        selector.wakeup();
        try {
            if (!ended.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the ping-pong loop did not end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the loop thread ---------------------------------------------------------------------

    private void run() {
        ArrayDeque<Conversation> due = new ArrayDeque<>(); // waiting out their pause, in order of due time
        try {
            while (!stopping) {
                long now = System.nanoTime();
                while (!due.isEmpty() && due.peekFirst().sendAt - now <= 0) {
                    due.pollFirst().sendNext();
                }
                long waitMs = due.isEmpty() ? 100 : Math.max(1, (due.peekFirst().sendAt - now) / 1_000_000);
                selector.select(waitMs);
                for (SelectionKey key : selector.selectedKeys()) {
                    Conversation c = (Conversation) key.attachment();
                    if (key.isValid()) {
                        c.ready(key.readyOps(), due);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            firstProblem.compareAndSet(null, "the client loop failed: " + e);
        } finally {
            for (Conversation c : conversations) {
                try {
                    c.channel.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            try {
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
            ended.countDown();
        }
    }

    /** One connection's state. Loop thread only, but for the atomic counters. */
    private final class Conversation {
        final int id;
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(256);
        SelectionKey key;
        ByteBuffer out;        // the message being sent, null once sent
        byte[] expected;       // the reply awaited, null when no message is out
        int got;               // bytes of expected received
        long next;             // the next message number
        long sendAt;           // System.nanoTime() when the next message is due

        Conversation(int id, SocketChannel channel) {
            this.id = id;
            this.channel = channel;
        }

        void connected() {
            outcomes.set(id, Outcome.OPEN.ordinal());
            sendNext();
        }

        void ready(int ops, ArrayDeque<Conversation> due) {
            try {
                if ((ops & SelectionKey.OP_CONNECT) != 0) {
                    try {
                        channel.finishConnect();
                    } catch (IOException e) {
                        end(Outcome.REFUSED, "connect failed: " + e);
                        return;
                    }
                    connected();
                    return;
                }
                if ((ops & SelectionKey.OP_WRITE) != 0) {
                    write();
                }
                if ((ops & SelectionKey.OP_READ) != 0) {
                    read(due);
                }
            } catch (IOException e) {
                closedByServer(); // reset
            }
        }

        void sendNext() {
            if (outcomes.get(id) != Outcome.OPEN.ordinal()) {
                return;
            }
            String message = "p" + id + "." + next + "\n";
            out = ByteBuffer.wrap(message.getBytes(StandardCharsets.US_ASCII));
            expected = message.toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
            got = 0;
            next++;
            try {
                write();
            } catch (IOException e) {
                closedByServer();
            }
        }

        void write() throws IOException {
            if (out != null) {
                channel.write(out);
                if (!out.hasRemaining()) {
                    out = null;
                }
            }
            key.interestOps(out == null ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }

        void read(ArrayDeque<Conversation> due) throws IOException {
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                closedByServer();
                return;
            }
            in.flip();
            while (in.hasRemaining()) {
                byte b = in.get();
                if (expected == null || got >= expected.length || b != expected[got]) {
                    end(Outcome.WRONG, "connection " + id + ": unexpected byte " + b + " at " + got + " of "
                            + (expected == null ? "no reply awaited" : new String(expected, StandardCharsets.US_ASCII).trim()));
                    return;
                }
                got++;
                if (got == expected.length) {
                    expected = null;
                    answered.incrementAndGet(id);
                    if (in.hasRemaining()) {
                        end(Outcome.WRONG, "connection " + id + ": bytes after a reply with no message out");
                        return;
                    }
                    if (pause.isZero()) {
                        sendNext();
                    } else {
                        sendAt = System.nanoTime() + pause.toNanos();
                        due.addLast(this);
                    }
                }
            }
        }

        /** End of stream or reset: how it ended depends on what was out. */
        void closedByServer() {
            if (expected == null) {
                end(Outcome.BETWEEN, null); // between a reply and the next message: nothing was out
            } else if (got == 0) {
                end(Outcome.UNANSWERED, null);
            } else {
                end(Outcome.PARTIAL, "connection " + id + ": closed after " + got + " of " + expected.length
                        + " bytes of '" + new String(expected, StandardCharsets.US_ASCII).trim() + "'");
            }
        }

        void end(Outcome outcome, String problem) {
            outcomes.set(id, outcome.ordinal());
            if (problem != null) {
                firstProblem.compareAndSet(null, problem);
            }
            if (key != null) {
                key.cancel();
            }
            try {
                channel.close();
            } catch (IOException e) {
                // closed anyway
            }
        }
    }
}
