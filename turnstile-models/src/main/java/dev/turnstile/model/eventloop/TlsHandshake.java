package dev.turnstile.model.eventloop;

import dev.turnstile.api.CloseReason;
import dev.turnstile.core.tls.TlsChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/**
 * A {@link LoopConnection}'s TLS handshake, driven by the loop: each readiness callback of a
 * connection in its HANDSHAKE state runs one {@link #step}, which takes the handshake as far as
 * the socket allows now and asks for the readiness it waits for next (OP_READ for the peer's
 * flight, OP_WRITE while ours is not all taken). The engine's delegated tasks run inline (see
 * {@link TlsChannel}). Nothing is buffered past the channel's own records, so a peer that stalls
 * holds about two records of memory until the handshake timeout, which the loop's tick sweep
 * enforces from registration ({@link #timedOut}).
 *
 * <p>A failure (a plaintext client, no protocol or cipher in common, the peer's close) or the
 * timeout closes the connection as {@link CloseReason#TLS_HANDSHAKE_FAILED}, counted and logged
 * at debug, once, without a stack: it is the peer's doing.
 *
 * <p>Loop thread only; stateless.
 */
final class TlsHandshake {

    private static final Logger log = LoggerFactory.getLogger(TlsHandshake.class);

    private TlsHandshake() {
    }

    /** One step; on success the connection opens (the handler's onOpen) as a plaintext one would. */
    static void step(LoopConnection c) {
        try {
            switch (c.tls.handshake()) {
                case NEEDS_READABLE -> c.handshakeWaits(SelectionKey.OP_READ);
                case NEEDS_WRITABLE -> c.handshakeWaits(SelectionKey.OP_WRITE);
                case DONE -> {
                    log.trace("{} {}: {} handshake done", c.loop.name(), c.info().peer(), c.tls.protocol());
                    c.handshakeDone();
                }
            }
        } catch (IOException e) {
            log.debug("{} {}: TLS handshake failed: {}", c.loop.name(), c.info().peer(), e.toString());
            c.close(CloseReason.TLS_HANDSHAKE_FAILED);
        } catch (RuntimeException | Error e) {
            c.failed(e);
        }
    }

    /** The tick sweep found the handshake unfinished past the handshake timeout. */
    static void timedOut(LoopConnection c) {
        log.debug("{} {}: TLS handshake not finished within {} ms; closing", c.loop.name(), c.info().peer(),
                c.loop.handshakeNanos() / 1_000_000);
        c.close(CloseReason.TLS_HANDSHAKE_FAILED);
    }
}
