package dev.turnstile.api;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * One open connection as a service sees it: a handle it may keep and use from any thread, the
 * way Netty's {@code Channel} or Go's {@code net.Conn} are used. Given to
 * {@link MessageHandler#onOpen}; the same object for the connection's whole life.
 *
 * <p><b>Where code runs.</b> The model decides which thread touches the socket (the connection's
 * own thread, a pool worker, an event loop, a worker process). A call from any other thread is
 * queued and carried out by that owner, in the order it was made, after whatever is queued
 * already; it never waits for the peer. Inside a handler call (or a task run by
 * {@link #execute}) the calls go straight to the connection's framer, as
 * {@link Replies} does.
 *
 * <p><b>Memory.</b> Bytes not yet taken by the peer are bounded per connection (the server's
 * {@code maxPendingBytes}). A send that would pass the bound is not queued: the connection is
 * closed at once with {@link CloseReason#SLOW_CONSUMER}, and nobody else waits for it.
 *
 * <p><b>After the close</b> sends and tasks are dropped silently; {@link #closeFuture()} says
 * when and why it closed. Under the process models a connection lives in one worker process,
 * so a handle (and a {@link ConnectionGroup}) reaches only the connections of that process.
 *
 * <p><b>Thread-safety.</b> Every method may be called from any thread.
 */
public interface Connection extends Replies {

    /** Who this connection is and who serves it. */
    ConnectionInfo info();

    /** The peer's address. */
    default InetSocketAddress remoteAddress() {
        return info().remote();
    }

    /** The address the peer connected to. */
    default InetSocketAddress localAddress() {
        return info().local();
    }

    /**
     * Queues one message: the bytes from {@code position()} to {@code limit()} are copied at
     * once (the caller may reuse the buffer on return), framed by the connection's framer and
     * written in order after everything sent before. Returns at once.
     */
    @Override
    void send(ByteBuffer payload);

    /** Closes once every message sent so far has been written. */
    @Override
    void closeAfterReplies();

    /** Closes now: what is not yet written is dropped ({@link CloseReason#SERVICE_CLOSED}). */
    void close();

    /**
     * Runs {@code task} on the connection's owner, serialized with the handler's calls (never at
     * the same time as one), after what is queued already. A task that throws closes the
     * connection as a handler that throws does. Dropped once the connection has closed.
     */
    void execute(Runnable task);

    /** Runs {@code task} as {@link #execute} does, once {@code delay} has passed. */
    Scheduled schedule(Duration delay, Runnable task);

    /** Bytes sent and not yet taken by the peer's socket: queued here or in the owner's buffer. */
    long pendingBytes();

    /** True until the connection has closed (or a close has been asked for). */
    boolean isOpen();

    /** Completes once the connection has closed, with the reason, after the handler's {@code onClose}. */
    CompletionStage<CloseReason> closeFuture();
}
