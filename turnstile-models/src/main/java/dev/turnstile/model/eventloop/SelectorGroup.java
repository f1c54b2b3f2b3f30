package dev.turnstile.model.eventloop;

import dev.turnstile.api.ServerContext;
import dev.turnstile.core.AcceptLimits;
import dev.turnstile.core.ConnectionTimers;
import dev.turnstile.core.tls.ServerTls;
import dev.turnstile.core.Sockets;
import dev.turnstile.core.Stragglers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The loops of one model, named {@code loop-1} to {@code loop-N}, and what concerns them all:
 * connection ids, the count of open connections that shutdown waits on, round-robin placement,
 * the {@link ConnectionTimers} behind every connection's {@code schedule} (one timer thread for
 * the model, stopped with the loops), and the shutdown steps sent to every loop.
 *
 * <p><b>Open count.</b> A connection counts from accept (before it reaches its loop, so one in
 * transit is not missed) until its socket is closed (after any lingering to let replies out).
 * <p><b>Limits.</b> The server's {@link AcceptLimits} are kept here, shared by every accepting
 * loop: a close gives its permit back and, if an acceptor dropped OP_ACCEPT at max-connections,
 * asks every loop to resume accepting.
 * <p><b>Stuck loops.</b> Steps are run on each loop and waited for until a deadline; a loop that
 * does not answer is stuck in a handler. Forcing interrupts it (which makes it exit once the
 * handler returns) and closes its sockets from outside, and the report names it with its stack.
 * <p><b>Thread-safety.</b> Thread-safe; {@link #next} is called by the accepting loop only.
 */
final class SelectorGroup {

    private final SelectorLoop[] loops;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final Object quiet = new Object(); // notified when open reaches 0
    private final Consumer<Throwable> onFatal;
    private final LoopWatchdog watchdog; // null: handlers run on workers, the loops only do I/O
    private final ConnectionTimers timers = new ConnectionTimers();
    private final AcceptLimits limits;
    private final ServerTls tls; // null: plaintext
    private volatile boolean acceptorWaiting; // an acceptor dropped OP_ACCEPT at max-connections
    private int turn; // accepting loop only

    SelectorGroup(LoopSettings settings, ServerContext context, HandlerPool handlers, Consumer<Throwable> onFatal)
            throws IOException {
        this.onFatal = onFatal;
        this.tls = ServerTls.loadIfSet(context.config().tls()); // once for all loops; a bad file fails the start
        this.limits = AcceptLimits.of(context.config(), context.stats(), settings.name());
        this.loops = new SelectorLoop[settings.loops()];
        try {
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new SelectorLoop("loop-" + (i + 1), this, context, settings, handlers);
            }
        } catch (IOException | RuntimeException e) {
            discard();
            throw e;
        }
        this.watchdog = settings.handlersOnLoops() ? new LoopWatchdog(List.of(loops), settings.slowCallback()) : null;
    }

    /** Releases the selectors of loops that were never started (start-up failed). */
    void discard() {
        timers.stop();
        if (watchdog != null) {
            watchdog.stop();
        }
        for (SelectorLoop loop : loops) {
            if (loop != null && !loop.thread().isAlive()) {
                Sockets.closeQuietly(loop.selector());
            }
        }
    }

    void start() {
        for (SelectorLoop loop : loops) {
            loop.start();
        }
        if (watchdog != null) {
            watchdog.start();
        }
    }

    SelectorLoop loop(int index) {
        return loops[index];
    }

    int size() {
        return loops.length;
    }

    /** The loop for the next connection, in turn. Accepting loop only. */
    SelectorLoop next() {
        SelectorLoop loop = loops[turn];
        turn = turn + 1 == loops.length ? 0 : turn + 1;
        return loop;
    }

    /** The clock for the connections' {@code schedule}, shared by every loop. */
    ConnectionTimers timers() {
        return timers;
    }

    /** The server's TLS, made once for every loop, or null: plaintext. */
    ServerTls tls() {
        return tls;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    void opened() {
        open.incrementAndGet();
    }

    AcceptLimits limits() {
        return limits;
    }

    /** An acceptor paused at max-connections: the next close resumes it. Set before it retries its permit. */
    void acceptorWaits() {
        acceptorWaiting = true;
    }

    /** A connection from {@code peer} that was {@link #opened} closed (or was refused by a loop). */
    void closed(InetSocketAddress peer) {
        limits.closed(peer); // the permit goes back before the flag is read: see LoopAcceptor.pauseAtLimit
        if (acceptorWaiting) {
            acceptorWaiting = false;
            for (SelectorLoop loop : loops) {
                loop.execute(loop::resumeAccepting);
            }
        }
        if (open.decrementAndGet() == 0) {
            synchronized (quiet) {
                quiet.notifyAll();
            }
        }
    }

    int open() {
        return open.get();
    }

    /** Waits until no connection is open or the deadline passes; true if none is open. */
    boolean awaitEmpty(Instant deadline) {
        return Stragglers.awaitUntil(quiet, () -> open.get() == 0, deadline);
    }

    /**
     * Every loop closes its idle connections and flags its busy ones to close after their replies.
     * Returns how many connections that touched; a loop that does not answer by {@code deadline}
     * counts with all its connections and is described in {@code stuck}.
     */
    int closeIdleAndFlagBusy(Instant deadline, List<String> stuck) {
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (SelectorLoop loop : loops) {
            answers.add(loop.call(loop::closeIdleAndFlagBusy));
        }
        int touched = 0;
        for (int i = 0; i < loops.length; i++) {
            Integer n = await(answers.get(i), deadline);
            if (n != null) {
                touched += n;
            } else if (loops[i].openConnections() > 0) {
                touched += loops[i].openConnections();
                stuck.add(describeStuck(loops[i], "did not answer the shutdown"));
            }
        }
        return touched;
    }

    /** Every loop closes all its connections now. Returns a description of each, and of any stuck loop. */
    List<String> forceAll(Instant deadline) {
        List<CompletableFuture<List<String>>> answers = new ArrayList<>();
        for (SelectorLoop loop : loops) {
            answers.add(loop.call(loop::forceAll));
        }
        List<String> forced = new ArrayList<>();
        for (int i = 0; i < loops.length; i++) {
            List<String> described = await(answers.get(i), deadline);
            if (described != null) {
                forced.addAll(described);
            } else if (loops[i].thread().isAlive()) {
                forced.add(describeStuck(loops[i], "is stuck; interrupted, its sockets closed"));
                loops[i].thread().interrupt();
                closeChannelsOf(loops[i]);
            }
        }
        return forced;
    }

    /** Ends every loop; returns a description of each that did not end by {@code deadline}. */
    List<String> stop(Instant deadline) {
        timers.stop(); // a task due now would find its connection closed anyway
        if (watchdog != null) {
            watchdog.stop(); // from here on a held loop is shutdown's to report, with its stack
        }
        for (SelectorLoop loop : loops) {
            loop.execute(loop::exit);
        }
        List<String> stragglers = new ArrayList<>();
        for (SelectorLoop loop : loops) {
            if (!Stragglers.joinUntil(loop.thread(), deadline)) {
                stragglers.add(describeStuck(loop, "did not stop"));
                loop.thread().interrupt();
            }
        }
        return stragglers;
    }

    /** A loop died of an unexpected throwable: the server cannot go on as configured. */
    void loopDied(SelectorLoop loop, Throwable cause) {
        onFatal.accept(cause);
    }

    /** Handler calls that held a loop past the threshold, over all loops. */
    long stalls() {
        long n = 0;
        for (SelectorLoop loop : loops) {
            n += loop.stalls().stalls();
        }
        return n;
    }

    /** Warnings about a loop held by a callback that had not returned yet, over all loops. */
    long heldWarnings() {
        return watchdog == null ? 0 : watchdog.warnings();
    }

    /** What each loop holds now, asked of the loops themselves. */
    List<LoopProbe> probe(Duration timeout) {
        return ask(SelectorLoop::probe, timeout);
    }

    private <T> List<T> ask(Function<SelectorLoop, T> question, Duration timeout) {
        List<CompletableFuture<T>> answers = new ArrayList<>();
        for (SelectorLoop loop : loops) {
            answers.add(loop.call(() -> question.apply(loop)));
        }
        Instant deadline = Instant.now().plus(timeout);
        List<T> result = new ArrayList<>();
        for (CompletableFuture<T> answer : answers) {
            T t = await(answer, deadline);
            if (t == null) {
                throw new IllegalStateException("a loop did not answer within " + timeout);
            }
            result.add(t);
        }
        return result;
    }

    /** The answer, or null if none came by the deadline or the loop has ended. */
    private static <T> T await(CompletableFuture<T> answer, Instant deadline) {
        long ms = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        try {
            return answer.get(ms, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String describeStuck(SelectorLoop loop, String what) {
        return Stragglers.describe(loop.name() + " (" + loop.thread().getName() + ") " + what + ", with "
                + loop.openConnections() + " connections", loop.thread());
    }

    /**
     * Closes the sockets of a stuck loop from this thread, so that its peers are let go even while
     * a handler holds the loop. The selector's key set is a concurrent set in the JDK, and closing
     * a channel is thread-safe; the loop reports the closes when (if) it runs again.
     */
    private static void closeChannelsOf(SelectorLoop loop) {
        try {
            for (SelectionKey key : loop.selector().keys().toArray(new SelectionKey[0])) {
                Sockets.closeQuietly(key.channel());
            }
        } catch (ClosedSelectorException e) {
            // the loop ended meanwhile and closed everything itself
        }
    }
}
