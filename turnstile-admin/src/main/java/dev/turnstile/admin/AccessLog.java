package dev.turnstile.admin;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ConnectionTotals;
import dev.turnstile.api.ServerListener;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One line per closed connection ({@code --access-log FILE|-}), in an {@link AccessLogFormat}:
 * a {@link ServerListener} on the server's stats, so every model (the process models through their
 * master's stats) logs the same way.
 *
 * <p><b>Off the I/O path, bounded.</b> A close is reported on the thread that closed the connection
 * (a connection thread, an event loop, the pool master's scoreboard feed): there the log only
 * offers a small record to a bounded queue of {@value #QUEUE_CAPACITY}, never blocking and never
 * formatting. One writer thread, {@code turnstile-access-log}, formats and writes, flushing whenever
 * the queue runs dry. If the queue is full the record is dropped and counted; the writer then says
 * so in the log itself, with how many, in the line's format.
 * <p><b>Lifecycle.</b> Add it to the server's stats ({@code stats.addListener(log)}) before the
 * server starts; {@link #close} after it stopped writes what is queued, flushes and closes the file
 * (never standard output). Closes reported after that are counted as dropped.
 * <p><b>Thread-safety.</b> {@link #connectionClosed} from any thread; the writer is the queue's only
 * consumer and the only user of the output.
 */
public final class AccessLog implements ServerListener, AutoCloseable {

    static final int QUEUE_CAPACITY = 8192;

    /** A closed connection waiting to be written. */
    private record Closed(ConnectionInfo connection, CloseReason reason, ConnectionTotals totals) {
    }

    private static final Closed END = new Closed(null, null, null); // the writer's last item

    private final AccessLogFormat format;
    private final Writer out;
    private final boolean closeOut;
    private final BlockingQueue<Closed> queue;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final Thread writer;
    private volatile boolean closed;

    private AccessLog(Writer out, boolean closeOut, AccessLogFormat format, int capacity) {
        this.out = out;
        this.closeOut = closeOut;
        this.format = Objects.requireNonNull(format, "format");
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().daemon().name("turnstile-access-log").start(this::writeUntilClosed);
    }

    /** A log appended to {@code file} (created if need be). */
    public static AccessLog toFile(Path file, AccessLogFormat format) throws IOException {
        Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return new AccessLog(w, true, format, QUEUE_CAPACITY);
    }

    /** A log on {@code out} (such as standard output, for {@code --access-log -}), left open on close. */
    public static AccessLog to(OutputStream out, AccessLogFormat format) {
        return new AccessLog(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)), false, format,
                QUEUE_CAPACITY);
    }

    /** As {@link #to}, with a queue of {@code capacity}: for tests of what a full queue does. */
    static AccessLog to(Writer out, AccessLogFormat format, int capacity) {
        return new AccessLog(out, false, format, capacity);
    }

    /** {@code -} for standard output, else a file. */
    public static AccessLog open(String destination, AccessLogFormat format) throws IOException {
        return destination.equals("-") ? to(System.out, format) : toFile(Path.of(destination), format);
    }

    @Override
    public void connectionClosed(ConnectionInfo connection, CloseReason reason, ConnectionTotals totals) {
        if (closed || !queue.offer(new Closed(connection, reason, totals))) {
            dropped.increment();
        }
    }

    /** Lines dropped because the queue was full (or the log closed), in all. */
    public long dropped() {
        return dropped.sum();
    }

    /** Lines written, in all. */
    public long written() {
        return written.sum();
    }

    private void writeUntilClosed() {
        long droppedSaid = 0;
        try {
            while (true) {
                Closed c = queue.poll();
                if (c == null) {
                    out.flush(); // dry: what was written shows now
                    c = queue.take();
                }
                long droppedNow = dropped.sum();
                if (droppedNow > droppedSaid) {
                    writeLine(format.dropped(droppedNow - droppedSaid, Instant.now()));
                    droppedSaid = droppedNow;
                }
                if (c == END) {
                    out.flush();
                    return;
                }
                writeLine(format.line(c.connection(), c.reason(), c.totals()));
                written.increment();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close gave up waiting: end
        } catch (IOException e) {
            System.getLogger(AccessLog.class.getName()).log(System.Logger.Level.ERROR,
                    "the access log cannot be written; no more lines: " + e);
        }
    }

    private void writeLine(String line) throws IOException {
        out.write(line);
        out.write('\n');
    }

    /**
     * Writes what is queued, flushes and closes the file; later closes are dropped (counted). Waits
     * up to five seconds for the writer.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!queue.offer(END, 5, TimeUnit.SECONDS)) {
                writer.interrupt();
            }
            writer.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.interrupt();
        } finally {
            if (closeOut) {
                out.close();
            } else {
                out.flush();
            }
        }
    }
}
