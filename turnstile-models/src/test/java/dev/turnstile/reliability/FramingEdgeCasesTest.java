package dev.turnstile.reliability;

import dev.turnstile.api.CloseReason;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reliability, framing edge cases: line endings, empty lines, control bytes, invalid UTF-8, a
 * message of exactly the maximum and one byte past it, an endless line and a partial last
 * message at half-close, against every model with a 64-byte maximum. Each case's pass rule is
 * written above it; each is bounded by the client's read timeout and the class timeout.
 */
@Timeout(60)
class FramingEdgeCasesTest extends ReliabilityCases {

    static final int MAX = 64;

    static Stream<String> models() {
        return inProcessModels();
    }

    private RunningServer startWithMax(String model) {
        return start(model, b -> b.maxMessageBytes(MAX));
    }

    /**
     * Pass: LF and CRLF each end a line and neither comes back in the reply; a CR anywhere else
     * is a byte of the message and comes back as sent; a CRLF alone is an empty message.
     */
    @ParameterizedTest
    @MethodSource("models")
    void lfAndCrlfEndLinesAndALoneCrIsData(String model) {
        try (RunningServer server = startWithMax(model); LineClient client = server.connect()) {
            client.send("lf\ncrlf\r\nmid\rdle\n\r\n");
            assertThat(client.readLine()).isEqualTo("LF");
            assertThat(client.readLine()).isEqualTo("CRLF");
            assertThat(client.readLine()).isEqualTo("MID\rDLE");
            assertThat(client.readLine()).isEmpty();
            assertThat(client.ask("after")).isEqualTo("AFTER");
        }
    }

    /** Pass: every empty line, LF or CRLF, is a message of its own answered by an empty line, in order; the connection stays open. */
    @ParameterizedTest
    @MethodSource("models")
    void emptyLinesAreEmptyMessages(String model) {
        try (RunningServer server = startWithMax(model)) {
            try (LineClient client = server.connect()) {
                client.send("\n\r\n\nx\n");
                assertThat(new String[] {client.readLine(), client.readLine(), client.readLine(), client.readLine()})
                        .containsExactly("", "", "", "X");
                assertThat(client.ask("after")).isEqualTo("AFTER");
            }
            // after the close: process-per-connection counts a connection's messages when its child exits
            server.await("5 messages counted", BOUND, s -> s.closed() == 1 && s.messages() == 5);
        }
    }

    /** Pass: control bytes (NUL, SOH, ESC, DEL, TAB) inside a line come back as sent, letters uppercased; the connection stays open. */
    @ParameterizedTest
    @MethodSource("models")
    void controlBytesPassThrough(String model) {
        try (RunningServer server = startWithMax(model); LineClient client = server.connect()) {
            client.sendBytes("a\0b\u0001c\u001bd\u007fe\tf\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(client.readLine()).isEqualTo("A\0B\u0001C\u001bD\u007fE\tF");
            assertThat(client.ask("after")).isEqualTo("AFTER");
        }
    }

    /**
     * Pass: invalid UTF-8 (a stray continuation byte, a cut sequence, 0xFF, an overlong '/', an
     * encoded surrogate) is answered with U+FFFD in place of the bad bytes, the rest uppercased,
     * as Java decodes it; the connection stays open and counts no error.
     */
    @ParameterizedTest
    @MethodSource("models")
    void invalidUtf8IsAnsweredWithReplacementCharacters(String model) {
        byte[] bad = {(byte) 0x80, 'a', (byte) 0xC3, 'b', (byte) 0xFF, (byte) 0xC0, (byte) 0xAF,
                (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'z'};
        String expected = new String(bad, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
        try (RunningServer server = startWithMax(model); LineClient client = server.connect()) {
            client.sendBytes(bad);
            client.sendBytes(new byte[] {'\n'});
            assertThat(client.readLine()).startsWith("\uFFFDA\uFFFDB").isEqualTo(expected);
            assertThat(client.ask("after")).isEqualTo("AFTER");
        }
    }

    /**
     * Pass: a line of exactly the maximum is answered whole: ended by LF, by CRLF in one write,
     * and by CRLF with the CR and the LF in different writes; the connection stays open.
     */
    @ParameterizedTest
    @MethodSource("models")
    void aMessageOfExactlyTheMaximumIsAnswered(String model) {
        String max = "m".repeat(MAX);
        try (RunningServer server = startWithMax(model); LineClient client = server.connect()) {
            assertThat(client.ask(max)).isEqualTo(max.toUpperCase(Locale.ROOT));
            client.send(max + "\r\n");
            assertThat(client.readLine()).isEqualTo(max.toUpperCase(Locale.ROOT));
            client.send(max + "\r");
            client.send("\n");
            assertThat(client.readLine()).isEqualTo(max.toUpperCase(Locale.ROOT));
            assertThat(client.ask("after")).isEqualTo("AFTER");
        }
    }

    /**
     * Pass: a line one byte past the maximum, sent in one write after two short lines, gets the
     * two replies first, then one "ERROR message too long" line, then the server's close; the
     * other client is still served and PROTOCOL_ERROR is counted once.
     */
    @ParameterizedTest
    @MethodSource("models")
    void oneBytePastTheMaximumIsAnErrorAndACloseAfterEarlierReplies(String model) {
        try (RunningServer server = startWithMax(model); LineClient other = server.connect()) {
            assertThat(other.ask("before")).isEqualTo("BEFORE");
            try (LineClient client = server.connect()) {
                client.send("one\ntwo\n" + "x".repeat(MAX + 1) + "\n");
                assertThat(client.readLine()).isEqualTo("ONE");
                assertThat(client.readLine()).isEqualTo("TWO");
                assertThat(client.readLine()).startsWith("ERROR message too long");
                assertThat(client.closedByServer()).isTrue();
            }
            assertThat(other.ask("after")).isEqualTo("AFTER");
            server.await("one protocol error", BOUND, s -> s.closedFor(CloseReason.PROTOCOL_ERROR) == 1);
        }
    }

    /**
     * Pass: an endless line (up to 4 MiB with no LF, written as fast as the server takes it) is
     * cut at the maximum: the error line, then the server's end of stream, while another client
     * is served; PROTOCOL_ERROR is counted once.
     */
    @ParameterizedTest
    @MethodSource("models")
    void anEndlessLineIsCutAtTheMaximum(String model) throws Exception {
        try (RunningServer server = startWithMax(model); LineClient other = server.connect()) {
            Thread sender;
            try (Socket endless = new Socket()) {
                endless.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                endless.setSoTimeout(LineClient.READ_TIMEOUT_MS);
                sender = Thread.ofVirtual().name("endless-line").start(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    Arrays.fill(chunk, (byte) 'e');
                    try {
                        OutputStream out = endless.getOutputStream();
                        for (int i = 0; i < 64; i++) {
                            out.write(chunk);
                        }
                    } catch (IOException e) {
                        // the server closed, or the test did once it had the server's answer
                    }
                });
                InputStream in = endless.getInputStream();
                String error = "ERROR message too long";
                assertThat(new String(in.readNBytes(error.length()), StandardCharsets.US_ASCII)).isEqualTo(error);
                while (in.read() >= 0) {
                    // the rest of the error line, up to the server's end of stream
                }
                assertThat(other.ask("meanwhile")).isEqualTo("MEANWHILE");
            }
            sender.join(BOUND);
            server.await("the endless line refused", BOUND, s -> s.closedFor(CloseReason.PROTOCOL_ERROR) == 1);
        }
    }

    /**
     * Pass: at half-close the unterminated bytes are the last message: answered, then the server
     * closes (PEER_CLOSED); so too when they are exactly the maximum; one byte past the maximum
     * gets the error line instead.
     */
    @ParameterizedTest
    @MethodSource("models")
    void aPartialLastMessageAtHalfCloseIsAnswered(String model) {
        try (RunningServer server = startWithMax(model)) {
            try (LineClient client = server.connect()) {
                client.send("whole\nunfinished");
                client.shutdownOutput();
                assertThat(client.readToEnd()).isEqualTo("WHOLE\nUNFINISHED\n");
            }
            try (LineClient client = server.connect()) {
                client.send("p".repeat(MAX));
                client.shutdownOutput();
                assertThat(client.readToEnd()).isEqualTo("P".repeat(MAX) + "\n");
            }
            try (LineClient client = server.connect()) {
                client.send("q".repeat(MAX + 1));
                client.shutdownOutput();
                assertThat(client.readToEnd()).startsWith("ERROR message too long");
            }
            server.await("three closes", BOUND, s -> s.closed() == 3);
            assertThat(server.stats().closedFor(CloseReason.PEER_CLOSED)).isEqualTo(2);
            assertThat(server.stats().closedFor(CloseReason.PROTOCOL_ERROR)).isEqualTo(1);
        }
    }
}
