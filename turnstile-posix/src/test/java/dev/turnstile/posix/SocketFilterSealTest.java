package dev.turnstile.posix;

import dev.turnstile.core.ListenerSeal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Linux seal on real loopback sockets: what is queued stays, nothing new comes, the late client is refused. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SocketFilterSealTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aSealedListenerKeepsWhatIsQueuedTakesNothingNewAndTheLateClientIsRefusedOnceItCloses() throws Exception {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0), 16);
        InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
        List<Socket> queued = new ArrayList<>();
        try (listener; Selector selector = Selector.open(); SocketChannel late = SocketChannel.open()) {
            for (int i = 0; i < 2; i++) {
                Socket client = new Socket(LOOPBACK, address.getPort()); // completed by the kernel, not accepted
                client.getOutputStream().write(("queued " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                queued.add(client);
            }
            ListenerSeal.Queue queue = new SocketFilterSeal().find(address).orElseThrow();
            try (queue) {
                assertThat(queue.isSealed()).isFalse();
                assertThat(queue.empty()).isFalse();
                queue.seal();
                assertThat(queue.isSealed()).isTrue();

                late.configureBlocking(false);
                late.connect(address);
                late.register(selector, SelectionKey.OP_CONNECT);
                assertThat(selector.select(300)).as("a SYN to a sealed listener gets no answer").isZero();

                for (int i = 0; i < 2; i++) {
                    try (SocketChannel accepted = listener.accept()) {
                        ByteBuffer line = ByteBuffer.allocate(9);
                        while (line.hasRemaining() && accepted.read(line) >= 0) {
                            // a line of 9 bytes, maybe in parts
                        }
                        assertThat(new String(line.array(), StandardCharsets.US_ASCII)).isEqualTo("queued " + i + "\n");
                    }
                }
                assertThat(queue.empty()).isTrue();
            }
        } finally {
            for (Socket s : queued) {
                s.close();
            }
        }
    }

    @Test
    void theLateClientIsRefusedOnceTheSealedListenerCloses() throws Exception {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0), 16);
        InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
        try (SocketChannel late = SocketChannel.open()) {
            try (listener; ListenerSeal.Queue queue = new SocketFilterSeal().find(address).orElseThrow()) {
                queue.seal();
                late.configureBlocking(false);
                late.connect(address); // its SYN is dropped; sent again about a second later
            }
            late.configureBlocking(true);
            assertThatThrownBy(late::finishConnect).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void findsNothingWhereNothingListens() throws IOException {
        InetSocketAddress nobody;
        try (ServerSocketChannel gone = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            nobody = (InetSocketAddress) gone.getLocalAddress();
        }
        assertThat(new SocketFilterSeal().find(nobody)).isEmpty();
    }

    @Test
    void theWildcardOfEitherFamilyIsOneAddress() throws IOException {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 20446);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::"), 20446);
        assertThat(SocketFilterSeal.sameAddress(v4, v6)).isTrue();
        assertThat(SocketFilterSeal.sameAddress(v4, new InetSocketAddress(LOOPBACK, 20446))).isFalse();
        assertThat(SocketFilterSeal.sameAddress(v4, new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 20447))).isFalse();
    }
}
