package dev.turnstile.model.eventloop;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.core.proxy.MalformedProxyHeaderException;
import dev.turnstile.core.proxy.ProxyHeader;
import dev.turnstile.core.proxy.ProxyHeaderParser;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A connection on a {@link SelectorLoop} before it is one: the PROXY protocol header is read here,
 * ahead of framing, so that no handler exists, and no callback runs, until the client's real
 * address is known. It is the key's attachment until then; once the header is whole the loop makes
 * the {@link LoopConnection} with that address ({@link SelectorLoop#headerRead}), and the key
 * passes to it.
 *
 * <p><b>No overshoot.</b> Each read asks for at most {@link ProxyHeaderParser#wanted()} bytes, so the
 * first byte after the header is still in the socket: the connection's first read finds it, as
 * though no header had been sent (the selector reports the socket readable again). A v1 header
 * takes a few small reads; they are made back to back while bytes are there.
 *
 * <p><b>Ends.</b> A malformed header, a peer that closes within it, or none whole within the
 * header timeout ({@link #expired}, from the loop's tick) closes the connection; the loop counts it
 * ({@link CloseReason#PROXY_HEADER}, or {@link CloseReason#PEER_CLOSED} for a peer gone before
 * its first byte).
 *
 * <p>Not thread-safe: loop thread only.
 */
final class ProxyStage {

    private final SelectorLoop loop;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final ConnectionInfo info;     // with the socket's peer; the header may name another
    private final ProxyHeaderParser parser;
    private final ByteBuffer bytes = ByteBuffer.allocate(256); // a header part per read; never past the header
    private final long deadline;           // loop clock by which the header must be whole

    ProxyStage(SelectorLoop loop, SocketChannel channel, SelectionKey key, ConnectionInfo info, ProxyProtocol protocol,
               long now) {
        this.loop = loop;
        this.channel = channel;
        this.key = key;
        this.info = info;
        this.parser = new ProxyHeaderParser(protocol.mode());
        this.deadline = now + protocol.headerTimeout().toNanos();
    }

    /** What came of a read. */
    sealed interface Outcome {
        /** The header is not whole yet: wait for more. */
        record Waiting() implements Outcome {
        }

        /** The header is whole: the connection's client is {@code client}. */
        record Read(InetSocketAddress client) implements Outcome {
        }

        /** The connection is to be closed, for {@code reason}; {@code why} for the log, or null. */
        record Refused(CloseReason reason, String why) implements Outcome {
        }
    }

    private static final Outcome WAITING = new Outcome.Waiting();

    SocketChannel channel() {
        return channel;
    }

    SelectionKey key() {
        return key;
    }

    ConnectionInfo info() {
        return info;
    }

    /** Reads what header bytes are there. Loop thread, when the key is readable. */
    Outcome onReadable() {
        try {
            while (true) {
                bytes.clear().limit(Math.min(bytes.capacity(), parser.wanted()));
                int n = channel.read(bytes);
                if (n == 0) {
                    return WAITING;
                }
                if (n < 0) {
                    return parser.consumed() == 0
                            ? new Outcome.Refused(CloseReason.PEER_CLOSED, null)
                            : new Outcome.Refused(CloseReason.PROXY_HEADER,
                                    "the peer closed after " + parser.consumed() + " bytes of its PROXY header");
                }
                loop.countRead(n); // header bytes are bytes in, as the blocking models count them
                ProxyHeader header = parser.parse(bytes.flip());
                if (header != null) {
                    return new Outcome.Read(header.remoteOr(info.remote()));
                }
            }
        } catch (MalformedProxyHeaderException e) {
            return new Outcome.Refused(CloseReason.PROXY_HEADER, e.getMessage());
        } catch (IOException e) {
            return new Outcome.Refused(CloseReason.RESET, null);
        }
    }

    /** True if the header is not whole by {@code now} (the loop's clock). */
    boolean expired(long now) {
        return now - deadline >= 0;
    }
}
