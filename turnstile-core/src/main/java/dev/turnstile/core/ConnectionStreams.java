package dev.turnstile.core;

import dev.turnstile.api.Scheduled;
import dev.turnstile.core.tls.ServerTls;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The byte streams of one connection under a blocking model: the socket's own, or, with TLS, an
 * {@link SSLSocket} layered over it after a handshake bounded by the handshake timeout. The
 * driver reads from {@link #input}, a {@link BlockingConnection} writes through {@link #writer}
 * and ends its side with {@link #shutdownOutput}; closing the socket channel still ends a blocked
 * read or write at once, TLS or not.
 *
 * <p><b>The handshake's bound.</b> Each read of the handshake waits at most the handshake timeout
 * (SO_TIMEOUT), and a timer closes the socket if the whole handshake has not finished by then,
 * so neither silence nor a trickle of bytes holds a thread longer.
 *
 * <p>Immutable after {@link #open}; the SSLSocket allows one reader and one writer at once, as
 * the socket does.
 */
final class ConnectionStreams {

    private final SocketChannel channel;
    private final SSLSocket secure;          // null: plaintext
    private final InputStream input;
    private final OutputStream output;
    private final WritableByteChannel writer;

    private ConnectionStreams(SocketChannel channel, SSLSocket secure, InputStream input, OutputStream output,
                              WritableByteChannel writer) {
        this.channel = channel;
        this.secure = secure;
        this.input = input;
        this.output = output;
        this.writer = writer;
    }

    /**
     * The streams of {@code channel} (blocking, its idle SO_TIMEOUT set): the socket's own when
     * {@code tls} is null, else an SSLSocket's once its handshake has finished.
     *
     * @throws IOException if the handshake fails or does not finish within the handshake timeout
     */
    static ConnectionStreams open(SocketChannel channel, ServerTls tls, ConnectionTimers timers) throws IOException {
        Socket socket = channel.socket();
        if (tls == null) {
            return new ConnectionStreams(channel, null, socket.getInputStream(), socket.getOutputStream(), channel);
        }
        SSLSocket secure = tls.layer(socket);
        int idle = socket.getSoTimeout();
        socket.setSoTimeout(Math.toIntExact(Math.clamp(tls.handshakeTimeout().toMillis(), 1, Integer.MAX_VALUE)));
        Scheduled deadline = timers.schedule(tls.handshakeTimeout(), () -> Sockets.closeQuietly(channel));
        try {
            secure.startHandshake();
        } finally {
            deadline.cancel();
        }
        if (!channel.isOpen()) {
            throw new IOException("the handshake did not finish within " + tls.handshakeTimeout());
        }
        socket.setSoTimeout(idle);
        OutputStream out = secure.getOutputStream();
        return new ConnectionStreams(channel, secure, secure.getInputStream(), out, Channels.newChannel(out));
    }

    InputStream input() {
        return input;
    }

    OutputStream output() {
        return output;
    }

    /** Where replies go: the socket channel itself in plaintext, else the TLS output. */
    WritableByteChannel writer() {
        return writer;
    }

    /** The protocol agreed on, or {@code plaintext}. */
    String protocol() {
        return secure == null ? "plaintext" : secure.getSession().getProtocol();
    }

    /**
     * Our side is done: with TLS a close_notify first, then the socket's output shut, so the peer
     * reads every reply and then the end.
     */
    void shutdownOutput() throws IOException {
        if (secure != null) {
            try {
                secure.shutdownOutput();
            } catch (IOException | UnsupportedOperationException e) {
                // the close_notify is a courtesy; the socket's own shutdown below is what the peer waits for
            }
        }
        if (!channel.socket().isOutputShutdown()) {
            channel.shutdownOutput();
        }
    }
}
