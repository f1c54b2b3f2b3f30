package dev.turnstile.examples.resp;

import dev.turnstile.core.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The protocol on a raw socket: inline commands, pipelining, protocol errors, process models. */
@Timeout(30)
class RespProtocolTest {

    /** Writes {@code request} and reads until the peer closes or {@code expected} bytes arrived. */
    private static String exchange(int port, String request, int expected) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            while (got.size() < expected && (n = in.read(chunk)) >= 0) {
                got.write(chunk, 0, n);
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"event-loop", "thread-pool"})
    void answersInlineCommands(String model) throws IOException {
        try (Server server = RespServers.start(model, new RespService())) {
            String expected = "+PONG\r\n+OK\r\n$5\r\nhello\r\n";
            assertThat(exchange(server.port(), "PING\r\n\r\nset  greeting hello\r\nget greeting\n", expected.length()))
                    .isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"event-loop", "multi-loop", "virtual-threads"})
    void answersPipelinedCommandsInOrder(String model) throws IOException {
        try (Server server = RespServers.start(model, new RespService())) {
            StringBuilder request = new StringBuilder();
            StringBuilder expected = new StringBuilder();
            for (int i = 1; i <= 1000; i++) {
                request.append("*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n");
                expected.append(':').append(i).append("\r\n");
            }
            request.append("*1\r\n$4\r\nQUIT\r\n");
            expected.append("+OK\r\n");
            assertThat(exchange(server.port(), request.toString(), Integer.MAX_VALUE))
                    .as("every reply in order, then QUIT closes").isEqualTo(expected.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"*abc\r\n", "*1\r\n:5\r\n", "*1\r\n$x\r\n"})
    void answersMalformedFramesWithAProtocolErrorAndCloses(String frame) throws IOException {
        try (Server server = RespServers.start("event-loop", new RespService())) {
            String reply = exchange(server.port(), "PING\r\n" + frame + "PING\r\n", Integer.MAX_VALUE);
            String expected = switch (frame.charAt(1)) {
                case 'a' -> "invalid multibulk length";
                default -> frame.contains(":") ? "expected '$', got ':'" : "invalid bulk length";
            };
            assertThat(reply).isEqualTo("+PONG\r\n-ERR Protocol error: " + expected + "\r\n");
        }
    }

    @Test
    void answersARequestLongerThanAllowedWithAProtocolError() throws IOException {
        try (Server server = Server.builder().model("event-loop").service(new RespService()).host("127.0.0.1")
                .port(0).maxMessageBytes(1024).start()) {
            String reply = exchange(server.port(), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5000\r\n", Integer.MAX_VALUE);
            assertThat(reply).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"process-pool", "process-per-connection"})
    void processModelsRefuseItBecauseConnectionsShareTheStore(String model) {
        assertThatThrownBy(() -> Server.builder().model(model).service(new RespService()).host("127.0.0.1")
                .port(0).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(model + " cannot run resp: its connections share state in one object");
    }
}
