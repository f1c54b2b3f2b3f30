package dev.turnstile.model.eventloop;

import dev.turnstile.api.Framing;
import dev.turnstile.core.Server;
import dev.turnstile.core.Sockets;
import dev.turnstile.testing.Poll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Thousands of connections open at once, each answered correctly: what event loops are for. */
@Timeout(120)
class ManyConnectionsTest {

    private static final int CONNECTIONS = 5_000;

    @ParameterizedTest
    @ValueSource(strings = {"event-loop", "multi-loop", "loop-with-workers"})
    void fiveThousandConcurrentConnectionsAreAllAnswered(String model) throws Exception {
        List<SocketChannel> clients = new ArrayList<>(CONNECTIONS);
        try (Server server = Server.builder().model(model).framing(Framing.LINE).port(0).acceptBacklog(4096).start()) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(SocketChannel.open(address));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.get(i).write(ByteBuffer.wrap(("hello " + i + "\n").getBytes(StandardCharsets.US_ASCII)));
            }
            ByteBuffer buffer = ByteBuffer.allocate(64);
            for (int i = 0; i < CONNECTIONS; i++) {
                assertEquals("HELLO " + i, readLine(clients.get(i), buffer.clear()), "connection " + i);
            }
            assertThat(server.snapshot().peakActive()).isEqualTo(CONNECTIONS);
            assertThat(server.snapshot().messages()).isEqualTo(CONNECTIONS);
            clients.forEach(Sockets::closeQuietly); // before the server's drain, which would wait for them
            Poll.until("every close is seen", Duration.ofSeconds(30), () -> server.snapshot().active() == 0);
        } finally {
            clients.forEach(Sockets::closeQuietly);
        }
    }

    private static String readLine(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.position() == 0 || buffer.get(buffer.position() - 1) != '\n') {
            if (channel.read(buffer) < 0) {
                throw new IOException("closed after " + buffer.position() + " bytes");
            }
        }
        return new String(buffer.array(), 0, buffer.position() - 1, StandardCharsets.US_ASCII);
    }
}
