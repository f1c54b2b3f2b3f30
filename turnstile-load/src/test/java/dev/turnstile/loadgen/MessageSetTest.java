package dev.turnstile.loadgen;

import dev.turnstile.api.Framing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class MessageSetTest {

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void notesWordsExpectTheirUppercase() {
        MessageSet notes = MessageSet.notes();
        assertThat(notes.count()).isEqualTo(8);
        assertThat(text(notes.request(7, Framing.LINE))).isEqualTo("why not?\n");
        assertThat(text(notes.expectedReply(7, Framing.LINE))).isEqualTo("WHY NOT?\n");
        assertThat(text(notes.request(6, Framing.RAW))).isEqualTo("are you sure");
        assertThat(text(notes.expectedReply(6, Framing.RAW))).isEqualTo("ARE YOU SURE");
    }

    @Test
    void expectedReplyStripsTrailingWhitespaceLikeRstrip() {
        byte[] payload = "hello \t\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(text(MessageSet.expectedReply(payload, Framing.LINE))).isEqualTo("HELLO\n");
        assertThat(text(MessageSet.expectedReply(payload, Framing.RAW))).isEqualTo("HELLO");
        assertThat(text(MessageSet.expectedReply("straße".getBytes(StandardCharsets.UTF_8), Framing.RAW)))
                .isEqualTo("STRASSE");
    }

    @Test
    void randomPayloadsArePrintableWithoutSpacesAndRepeatable() {
        MessageSet a = MessageSet.random(500);
        MessageSet b = MessageSet.parse("500");
        for (int i = 0; i < a.count(); i++) {
            byte[] req = a.request(i, Framing.RAW);
            assertThat(req).hasSize(500).isEqualTo(b.request(i, Framing.RAW));
            for (byte x : req) {
                assertThat(x).isBetween((byte) '!', (byte) '~');
            }
            assertThat(text(a.expectedReply(i, Framing.LINE))).isEqualTo(text(req).toUpperCase(java.util.Locale.ROOT) + "\n");
        }
        assertThat(a.maxRequestBytes(Framing.LINE)).isEqualTo(501);
    }

    @Test
    void refusesBadSpecs() {
        assertThatThrownBy(() -> MessageSet.parse("words"))
                .hasMessage("message set must be 'notes' or a size in bytes (got 'words')");
        assertThatThrownBy(() -> MessageSet.parse("0"))
                .hasMessage("message size must be between 1 and 1048576 bytes (got 0)");
    }

    @Test
    void slabComparesRepliesInPieces() {
        MessageSlab slab = new MessageSlab(MessageSet.notes(), Framing.LINE);
        ByteBuffer first = ByteBuffer.wrap("HEL".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer rest = ByteBuffer.wrap("LO\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(slab.matches(0, 0, first)).isTrue();
        assertThat(slab.matches(0, 3, rest)).isTrue();
        assertThat(slab.matches(0, 0, ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)))).isFalse();
        assertThat(slab.matches(0, 0, ByteBuffer.wrap("HELLO\nX".getBytes(StandardCharsets.US_ASCII)))).isFalse();
        ByteBuffer req = slab.request(1, 1);
        assertThat(StandardCharsets.US_ASCII.decode(req).toString()).isEqualTo("ye\n");
    }
}
