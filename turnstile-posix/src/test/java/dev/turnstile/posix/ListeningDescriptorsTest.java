package dev.turnstile.posix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Finding the descriptor of a socket the JDK bound, as an upgrade does before it hands the socket on. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ListeningDescriptorsTest {

    @Test
    void findsTheDescriptorOfAListeningSocketTheJdkBound() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            List<Integer> fds = ListeningDescriptors.onPort(port);
            assertThat(fds).hasSize(1);
            ListeningDescriptors.requireListening(fds.getFirst());
        }
    }

    @Test
    void listsNoConnectedSocketAndNothingOnAFreePort() throws Exception {
        int port;
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            assertThat(ListeningDescriptors.onPort(port)).hasSize(1); // the listener, not the two ends of the connection
            assertThat(accepted.isConnected() && client.isConnected()).isTrue();
        }
        assertThat(ListeningDescriptors.onPort(port)).isEmpty();
    }
}
