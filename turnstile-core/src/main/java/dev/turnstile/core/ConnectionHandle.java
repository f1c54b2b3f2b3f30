package dev.turnstile.core;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.Connection;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * The thread-safe side of one connection, as services see it ({@link Connection}). What other
 * threads ask of the connection (sends, tasks, a close after the writes) is put in an inbox and
 * carried out by the connection's {@link Owner}, the one thread, loop or worker that runs its
 * {@link Conversation}, in the order asked. Inside the owner's own handler call the same calls go
 * straight to the conversation, so a handler that replies through its handle keeps its order.
 *
 * <p><b>Inbox.</b> Multi-producer, single-consumer: any thread adds; only the owner takes
 * ({@link Conversation#drain}). A producer that finds the owner not yet woken wakes it once
 * ({@link Owner#wake}); the owner clears that flag after its takes and then looks at the queue
 * once more, so work added after its last take is either taken or causes another wake. The queue is made on first use: a connection nobody sends to
 * from outside costs no queue.
 * <p><b>Bound.</b> {@link #pendingBytes} = bytes in the inbox + the owner's unwritten bytes, as it
 * last published them. A send that would take it past {@code maxPendingBytes} is not queued; the
 * connection is aborted as a {@link CloseReason#SLOW_CONSUMER} instead, from the sender's thread,
 * through {@link Owner#abort}, which never waits for the peer.
 * <p><b>States.</b> OPEN → (ABORTED: a close-now was asked, reason set once) → CLOSED (the owner
 * reported the close; the close future completes). Sends and tasks after either are dropped.
 * <p><b>Thread-safety.</b> Thread-safe. {@code caller} is written by the owner only (set for the
 * length of a handler call, cleared after) and read by any thread, which can only ever find its
 * own thread there if it is that owner inside a call.
 */
public final class ConnectionHandle implements Connection {

    private static final Logger log = LoggerFactory.getLogger(ConnectionHandle.class);

    /** How a connection's owner is reached. Implemented by each model's driver. */
    public interface Owner {

        /**
         * Something was queued: make the owner call {@link Conversation#drain} soon, then write.
         * Any thread; must not block or run the work itself if that could block the caller.
         */
        void wake();

        /**
         * Close the connection now, dropping what is unwritten; the reason is already set
         * ({@link #abortReason}). Any thread, at most once per connection; must not wait for the peer.
         */
        void abort();
    }

    /** In the inbox: close once everything before it is written. */
    private static final Runnable CLOSE_AFTER_WRITES = () -> { };

    private static final VarHandle INBOX;
    private static final VarHandle WOKEN;
    private static final VarHandle QUEUED_BYTES;
    private static final VarHandle CALLER;
    private static final VarHandle ABORT_REASON;
    private static final VarHandle CLOSE_FUTURE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            INBOX = l.findVarHandle(ConnectionHandle.class, "inbox", ConcurrentLinkedQueue.class);
            WOKEN = l.findVarHandle(ConnectionHandle.class, "woken", boolean.class);
            QUEUED_BYTES = l.findVarHandle(ConnectionHandle.class, "queuedBytes", long.class);
            CALLER = l.findVarHandle(ConnectionHandle.class, "caller", Thread.class);
            ABORT_REASON = l.findVarHandle(ConnectionHandle.class, "abortReason", CloseReason.class);
            CLOSE_FUTURE = l.findVarHandle(ConnectionHandle.class, "closeFuture", CompletableFuture.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConnectionInfo info;
    private final int maxPendingBytes;
    private final ConnectionTimers timers;
    private Owner owner;                                // set once by the driver before the first call
    private Conversation conversation;                  // set once by the conversation it belongs to
    @SuppressWarnings("unused") private volatile ConcurrentLinkedQueue<Object> inbox; // made on first use (CAS)
    @SuppressWarnings("unused") private volatile boolean woken;       // through WOKEN
    @SuppressWarnings("unused") private volatile long queuedBytes;    // through QUEUED_BYTES
    @SuppressWarnings("unused") private Thread caller;                // through CALLER, opaque
    private volatile CloseReason abortReason;           // set once, by CAS
    private volatile long unwrittenBytes;               // written by the owner only
    private volatile CloseReason closedWith;            // set once by the owner when the close is reported
    @SuppressWarnings("unused") private volatile CompletableFuture<CloseReason> closeFuture; // made on first use (CAS)

    /**
     * @param maxPendingBytes the bound on {@link #pendingBytes} ({@code ServerConfig.maxPendingBytes})
     * @param timers          the model's timer for {@link #schedule}
     */
    public ConnectionHandle(ConnectionInfo info, int maxPendingBytes, ConnectionTimers timers) {
        this.info = Objects.requireNonNull(info, "info");
        this.maxPendingBytes = maxPendingBytes;
        this.timers = Objects.requireNonNull(timers, "timers");
    }

    /** Names the owner; by the driver, before the conversation's first call. */
    public void ownedBy(Owner owner) {
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    void boundTo(Conversation conversation) {
        this.conversation = conversation;
    }

    @Override
    public ConnectionInfo info() {
        return info;
    }

    // ---- Any thread -------------------------------------------------------------------------

    @Override
    public void send(ByteBuffer payload) {
        if (inCall()) {
            conversation.send(payload);
            return;
        }
        if (!isOpen()) {
            return;
        }
        int n = payload.remaining();
        long queued = (long) QUEUED_BYTES.getAndAdd(this, (long) n) + n;
        if (queued + unwrittenBytes > maxPendingBytes) {
            QUEUED_BYTES.getAndAdd(this, (long) -n);
            abort(CloseReason.SLOW_CONSUMER);
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(n);
        copy.put(payload).flip();
        enqueue(copy);
    }

    @Override
    public void closeAfterReplies() {
        if (inCall()) {
            conversation.closeAfterReplies();
        } else if (isOpen()) {
            enqueue(CLOSE_AFTER_WRITES);
        }
    }

    @Override
    public void close() {
        abort(CloseReason.SERVICE_CLOSED);
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (isOpen()) {
            enqueue(task);
        }
    }

    @Override
    public Scheduled schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(delay, "delay");
        try {
            return timers.schedule(delay, () -> execute(task));
        } catch (RejectedExecutionException e) { // the model has stopped: so has this connection
            return () -> false;
        }
    }

    @Override
    public long pendingBytes() {
        return (long) QUEUED_BYTES.getVolatile(this) + unwrittenBytes;
    }

    @Override
    public boolean isOpen() {
        return abortReason == null && closedWith == null;
    }

    @Override
    public CompletionStage<CloseReason> closeFuture() {
        CompletableFuture<CloseReason> f = (CompletableFuture<CloseReason>) CLOSE_FUTURE.getVolatile(this);
        if (f == null) {
            CompletableFuture<CloseReason> made = new CompletableFuture<>();
            f = (CompletableFuture<CloseReason>) CLOSE_FUTURE.compareAndExchange(this, null, made);
            if (f == null) {
                f = made;
                CloseReason reason = closedWith; // closed before anyone asked: complete it here
                if (reason != null) {
                    f.complete(reason);
                }
            }
        }
        return f;
    }

    /**
     * Asks for a close now with {@code reason}, unless one was asked already; the first reason
     * wins. Any thread; the owner's driver does the closing.
     */
    public void abort(CloseReason reason) {
        if (markAborted(reason)) {
            owner.abort();
        }
    }

    /**
     * Sets the close-now reason, unless one is set or the close was reported, and logs a slow consumer;
     * the caller closes. For an owner that closes on its own thread at once; true if this call set it.
     */
    public boolean markAborted(CloseReason reason) {
        if (closedWith != null || !ABORT_REASON.compareAndSet(this, null, reason)) {
            return false;
        }
        if (reason == CloseReason.SLOW_CONSUMER) {
            log.info("{} {}: more than {} bytes waiting for a slow reader; closing it", info.worker(), info.peer(),
                    maxPendingBytes);
        }
        return true;
    }

    /** Why a close-now was asked for, or null. */
    public CloseReason abortReason() {
        return abortReason;
    }

    @Override
    public String toString() {
        return "connection " + info.id() + " from " + info.peer();
    }

    private void enqueue(Object item) {
        ConcurrentLinkedQueue<Object> q = inbox();
        q.add(item);
        if (closedWith != null) {
            q.clear(); // raced with the close: nobody will take it
            return;
        }
        if (!(boolean) WOKEN.getVolatile(this) && WOKEN.compareAndSet(this, false, true)) {
            owner.wake();
        }
    }

    @SuppressWarnings("unchecked")
    private ConcurrentLinkedQueue<Object> inbox() {
        ConcurrentLinkedQueue<Object> q = (ConcurrentLinkedQueue<Object>) INBOX.getVolatile(this);
        if (q == null) {
            ConcurrentLinkedQueue<Object> made = new ConcurrentLinkedQueue<>();
            q = (ConcurrentLinkedQueue<Object>) INBOX.compareAndExchange(this, null, made);
            if (q == null) {
                q = made;
            }
        }
        return q;
    }

    // ---- Owner only --------------------------------------------------------------------------

    /** True if the calling thread is this connection's owner inside a handler call. */
    boolean inCall() {
        return CALLER.getOpaque(this) == Thread.currentThread();
    }

    /** The owner enters (its thread) or leaves (null) a handler call. */
    void caller(Thread thread) {
        CALLER.setOpaque(this, thread);
    }

    /** The owner has taken what it saw: additions from now on must wake it again. */
    void drainStarts() {
        WOKEN.setVolatile(this, false);
    }

    /**
     * The next thing queued, or null: a {@link ByteBuffer} to send, {@link #CLOSE_AFTER_WRITES},
     * or a task. Owner only.
     */
    Object take() {
        ConcurrentLinkedQueue<Object> q = (ConcurrentLinkedQueue<Object>) INBOX.getVolatile(this);
        if (q == null) {
            return null;
        }
        Object item = q.poll();
        if (item instanceof ByteBuffer b) {
            QUEUED_BYTES.getAndAdd(this, (long) -b.remaining());
        }
        return item;
    }

    static boolean isCloseAfterWrites(Object item) {
        return item == CLOSE_AFTER_WRITES;
    }

    /** True if anything waits in the inbox. Any thread. */
    public boolean hasQueued() {
        ConcurrentLinkedQueue<Object> q = (ConcurrentLinkedQueue<Object>) INBOX.getVolatile(this);
        return q != null && !q.isEmpty();
    }

    /** The owner says how many bytes it holds unwritten, for the bound. Owner only. */
    public void unwritten(long bytes) {
        if (unwrittenBytes != bytes) {
            unwrittenBytes = bytes;
        }
    }

    /** True if the owner's own unwritten bytes are past the bound (a handler wrote more than may wait). */
    public boolean overBound(long ownerUnwritten) {
        return ownerUnwritten + (long) QUEUED_BYTES.getVolatile(this) > maxPendingBytes;
    }

    /** The owner reports the close: drops what is queued and completes the close future. Once. */
    void closed(CloseReason reason) {
        closedWith = reason;
        unwrittenBytes = 0;
        ConcurrentLinkedQueue<Object> q = (ConcurrentLinkedQueue<Object>) INBOX.getVolatile(this);
        if (q != null) {
            q.clear();
            QUEUED_BYTES.setVolatile(this, 0L);
        }
        CompletableFuture<CloseReason> f = (CompletableFuture<CloseReason>) CLOSE_FUTURE.getVolatile(this);
        if (f != null) {
            f.complete(reason);
        }
    }
}
