package dev.turnstile.core;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.Framer;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.MessageTooLongException;
import dev.turnstile.api.Outbound;
import dev.turnstile.api.Replies;
import dev.turnstile.api.WorkerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One connection's protocol as a byte-in, byte-out state machine with no I/O: bytes read go in
 * through {@link #receive}, framed replies come out in the {@link Outbound} given at creation.
 * Blocking drivers call it after each read and then write; event loops call it on readiness.
 *
 * <p><b>States.</b> OPEN until the handler asks to close, the peer breaks the protocol (a
 * message over the maximum: an error reply is queued) or the handler throws (nothing more is
 * handled). Then {@link #closeReason()} is set and the driver closes once the outbound queue has
 * been written. Replies queued before that are never dropped.
 *
 * <p><b>Thread-safety.</b> None: one thread at a time, as the handler requires. Allocation-free
 * per message: the conversation is its own sink and {@link Replies}.
 */
public final class Conversation implements Consumer<ByteBuffer>, Replies {

    private static final Logger log = LoggerFactory.getLogger(Conversation.class);

    private final ConnectionInfo info;
    private final Framer framer;
    private final MessageHandler handler;
    private final Outbound out;
    private final WorkerStats worker;
    private CloseReason closeReason; // null while open

    public Conversation(ConnectionInfo info, Framer framer, MessageHandler handler, Outbound out, WorkerStats worker) {
        this.info = info;
        this.framer = framer;
        this.handler = handler;
        this.out = out;
        this.worker = worker;
    }

    /**
     * Handles every complete message in {@code in} (read mode); leaves the unfinished rest at
     * {@code in.position()}. After end of input, whatever remains is handled as the last message
     * and the conversation closes with {@link CloseReason#PEER_CLOSED}.
     */
    public void receive(ByteBuffer in, boolean endOfInput) {
        if (closeReason != null) {
            in.position(in.limit()); // closing: input after the close is discarded
            return;
        }
        try {
            framer.decode(in, endOfInput, this);
        } catch (MessageTooLongException e) {
            log.info("{} {}: {}; closing", info.worker(), info.peer(), e.getMessage());
            framer.encode(ByteBuffer.wrap(("ERROR " + e.getMessage()).getBytes(StandardCharsets.UTF_8)), out);
            in.position(in.limit());
            closeReason = CloseReason.PROTOCOL_ERROR;
            return;
        }
        if (endOfInput && closeReason == null) {
            closeReason = CloseReason.PEER_CLOSED;
        }
    }

    /** Framer callback: one complete message. */
    @Override
    public void accept(ByteBuffer message) {
        if (closeReason != null) {
            return;
        }
        try {
            handler.onMessage(message, this);
            worker.messageHandled();
        } catch (RuntimeException e) {
            log.warn("{} {}: handler {} failed; closing the connection", info.worker(), info.peer(),
                    handler.getClass().getName(), e);
            closeReason = CloseReason.SERVER_ERROR;
        }
    }

    @Override
    public void send(ByteBuffer payload) {
        framer.encode(payload, out);
    }

    @Override
    public void closeAfterReplies() {
        if (closeReason == null) {
            closeReason = CloseReason.SERVICE_CLOSED;
        }
    }

    /** True once the conversation wants the connection closed (after writing what is queued). */
    public boolean isClosing() {
        return closeReason != null;
    }

    /** Why it is closing, or null while open. */
    public CloseReason closeReason() {
        return closeReason;
    }

    /** Tells the handler the connection is gone. Call once. */
    public void closed() {
        try {
            handler.onClose();
        } catch (RuntimeException e) {
            log.warn("{} {}: handler {} failed in onClose", info.worker(), info.peer(), handler.getClass().getName(), e);
        }
    }

    public ConnectionInfo info() {
        return info;
    }
}
