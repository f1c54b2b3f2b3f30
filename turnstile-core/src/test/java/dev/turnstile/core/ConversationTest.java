package dev.turnstile.core;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ServerStats;
import dev.turnstile.core.framing.Framers;
import dev.turnstile.echo.EchoUppercase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The echo-uppercase conversation fed byte by byte and in bulk, with no sockets. */
@Timeout(10)
class ConversationTest {

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final OutboundBuffer out = new OutboundBuffer(16);

    private Conversation conversation(Framing framing, int max) {
        ConnectionInfo info = new ConnectionInfo(1, new InetSocketAddress("127.0.0.1", 1),
                new InetSocketAddress("127.0.0.1", 2), "worker-1");
        return new Conversation(info, Framers.create(framing, max), new EchoUppercase().newHandler(info), out,
                new ServerStats().worker("worker-1"));
    }

    /** Feeds the chunks as separate reads, keeping the unconsumed rest like a driver does. */
    private String feed(Conversation c, boolean endOfInput, String... chunks) {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        for (int i = 0; i < chunks.length; i++) {
            buffer.put(chunks[i].getBytes(StandardCharsets.UTF_8));
            buffer.flip();
            c.receive(buffer, endOfInput && i == chunks.length - 1);
            buffer.compact();
        }
        try {
            out.writeAll(Channels.newChannel(written));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return written.toString(StandardCharsets.UTF_8);
    }

    @Test
    void answersEachLineUppercasedWithoutTrailingWhitespace() {
        assertThat(feed(conversation(Framing.LINE, 1024), false, "hello  \r\nwhy not?\n"))
                .isEqualTo("HELLO\nWHY NOT?\n");
    }

    @Test
    void joinsMessagesSplitAcrossReadsAndSplitsSeveralInOneRead() {
        assertThat(feed(conversation(Framing.LINE, 1024), false, "he", "llo\nby", "e\nyes\nno\n"))
                .isEqualTo("HELLO\nBYE\nYES\nNO\n");
    }

    @Test
    void rawAnswersEachReadWithoutNewlineLikeTheNotes() {
        assertThat(feed(conversation(Framing.RAW, 1024), false, "hello", "are you sure "))
                .isEqualTo("HELLOARE YOU SURE");
    }

    @Test
    void autoStartsRawAndSwitchesToLinesAtTheFirstNewline() {
        Conversation c = conversation(Framing.AUTO, 1024);
        assertThat(feed(c, false, "maybe")).isEqualTo("MAYBE");
        assertThat(feed(c, false, "x\n", "y", "z\n")).isEqualTo("MAYBEX\nYZ\n");
    }

    @Test
    void uppercasesUtf8WithTheRootLocaleEvenWhenCharactersAreSplitAcrossReads() {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            byte[] bytes = "grüße istanbul ıi €\n".getBytes(StandardCharsets.UTF_8);
            String first = new String(bytes, 0, 4, StandardCharsets.ISO_8859_1); // cuts ü in half
            String rest = new String(bytes, 4, bytes.length - 4, StandardCharsets.ISO_8859_1);
            Conversation c = conversation(Framing.LINE, 1024);
            ByteBuffer buffer = ByteBuffer.allocate(256);
            buffer.put(first.getBytes(StandardCharsets.ISO_8859_1)).flip();
            c.receive(buffer, false);
            buffer.compact().put(rest.getBytes(StandardCharsets.ISO_8859_1)).flip();
            c.receive(buffer, false);
            assertThat(feed(c, false)).isEqualTo("GRÜSSE ISTANBUL II €\n");
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void rawHoldsBackACharacterCutByTheReadBoundary() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // 3 bytes
        Conversation c = conversation(Framing.RAW, 1024);
        ByteBuffer buffer = ByteBuffer.allocate(64);
        buffer.put((byte) 'a').put(euro, 0, 2).flip();
        c.receive(buffer, false);
        assertThat(buffer.remaining()).isEqualTo(2);
        buffer.compact().put(euro, 2, 1).flip();
        c.receive(buffer, false);
        assertThat(feed(c, false)).isEqualTo("A€");
    }

    @Test
    void refusesAnOverLongMessageWithAnErrorAndCloses() {
        Conversation c = conversation(Framing.LINE, 32);
        String reply = feed(c, false, "x".repeat(40));
        assertThat(reply).startsWith("ERROR message too long").endsWith("\n");
        assertThat(c.closeReason()).isEqualTo(CloseReason.PROTOCOL_ERROR);
    }

    @Test
    void answersAnUnterminatedLastLineAtEndOfInput() {
        Conversation c = conversation(Framing.LINE, 1024);
        assertThat(feed(c, true, "one\ntwo")).isEqualTo("ONE\nTWO\n");
        assertThat(c.closeReason()).isEqualTo(CloseReason.PEER_CLOSED);
    }

    @Test
    void aFailingHandlerClosesOnlyAfterEarlierRepliesWereKept() {
        ConnectionInfo info = new ConnectionInfo(1, new InetSocketAddress("127.0.0.1", 1),
                new InetSocketAddress("127.0.0.1", 2), "w");
        Conversation c = new Conversation(info, Framers.create(Framing.LINE, 64), (m, r) -> {
            if (m.get(m.position()) == 'x') {
                throw new IllegalStateException("boom");
            }
            r.send(m);
        }, out, new ServerStats().worker("w"));
        assertThat(feed(c, false, "ok\nx\nlater\n")).isEqualTo("ok\n");
        assertThat(c.closeReason()).isEqualTo(CloseReason.SERVER_ERROR);
    }
}
