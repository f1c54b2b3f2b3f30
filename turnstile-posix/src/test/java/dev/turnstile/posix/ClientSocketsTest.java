package dev.turnstile.posix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Non-blocking client sockets by descriptor and their epoll set, against real loopback servers. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClientSocketsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256);
    private final long address = ClientSockets.addressOf(buffer);

    @Test
    void connectsSendsAndReadsUnderItsTokenAndSeesTheEndOfTheStream() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             ClientSockets sockets = new ClientSockets(16)) {
            int fd = sockets.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                    InetAddress.getByName("127.0.0.3"), 7);
            awaitEvent(sockets, 7, ClientSockets.WRITABLE);
            sockets.finishConnect(fd, 7);
            try (Socket peer = server.accept()) {
                assertThat(peer.getInetAddress().getHostAddress()).as("bound to the source address").isEqualTo("127.0.0.3");
                buffer.clear().put("hello\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(sockets.send(fd, address, 6)).isEqualTo(6);
                byte[] got = peer.getInputStream().readNBytes(6);
                assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("hello\n");

                assertThat(sockets.read(fd, address, 256)).as("nothing to read yet").isZero();
                OutputStream out = peer.getOutputStream();
                out.write("HELLO\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                awaitEvent(sockets, 7, ClientSockets.READABLE);
                assertThat(sockets.read(fd, address, 256)).isEqualTo(6);
                byte[] reply = new byte[6];
                buffer.get(0, reply);
                assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("HELLO\n");
            }
            awaitEvent(sockets, 7, ClientSockets.READABLE);
            assertThat(sockets.read(fd, address, 256)).as("the peer closed").isEqualTo(-1);
            sockets.close(fd);
        }
    }

    @Test
    void aRefusedConnectIsSaidByFinishConnect() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try (ClientSockets sockets = new ClientSockets(4)) {
            int fd = sockets.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), null, 1);
            awaitEvent(sockets, 1, ClientSockets.ERROR | ClientSockets.WRITABLE);
            assertThatThrownBy(() -> sockets.finishConnect(fd, 1))
                    .isInstanceOf(PosixException.class)
                    .hasMessageContaining("connect: Connection refused");
            sockets.close(fd);
        }
    }

    @Test
    void aResetPeerFailsTheReadWithItsReason() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             ClientSockets sockets = new ClientSockets(4)) {
            int fd = sockets.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), null, 2);
            awaitEvent(sockets, 2, ClientSockets.WRITABLE);
            sockets.finishConnect(fd, 2);
            try (Socket peer = server.accept()) {
                buffer.clear().put("unread\n".getBytes(StandardCharsets.US_ASCII));
                sockets.send(fd, address, 7);
                InputStream in = peer.getInputStream();
                assertThat(in.readNBytes(1)).hasSize(1); // the rest stays unread: the close below resets
                peer.setSoLinger(true, 0);
            }
            awaitEvent(sockets, 2, ClientSockets.READABLE | ClientSockets.ERROR | ClientSockets.HANG_UP);
            assertThatThrownBy(() -> sockets.read(fd, address, 256))
                    .isInstanceOf(PosixException.class)
                    .hasMessageContaining("Connection reset");
            sockets.close(fd);
        }
    }

    @Test
    void aSourceAddressThisMachineDoesNotHaveFailsTheConnectAtOnceAndLeavesNothingWatched() throws IOException {
        try (ClientSockets sockets = new ClientSockets(4)) {
            // TEST-NET-1 is on no interface here: bind fails before anything is sent
            assertThatThrownBy(() -> sockets.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9),
                    InetAddress.getByName("192.0.2.1"), 3))
                    .isInstanceOf(PosixException.class)
                    .hasMessageContaining("bind: Cannot assign requested address");
            assertThat(sockets.await(0)).as("nothing was left watched").isZero();
        }
    }

    /** Waits (polling the set against a deadline) until the socket of {@code token} reports any of {@code bits}. */
    private static void awaitEvent(ClientSockets sockets, int token, int bits) throws PosixException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            int n = sockets.await(50);
            for (int i = 0; i < n; i++) {
                if (sockets.token(i) == token && (sockets.ready(i) & bits) != 0) {
                    return;
                }
            }
        }
        throw new AssertionError("no event " + bits + " for token " + token + " within " + WAIT);
    }
}
