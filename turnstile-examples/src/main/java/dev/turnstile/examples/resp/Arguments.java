package dev.turnstile.examples.resp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One command's words (the name first), read in place from the message the framer cut: a RESP
 * array of bulk strings ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) or an inline command
 * ({@code GET k}, words separated by spaces). Nothing is copied: each word is a position and a
 * length in the message buffer, so it is valid only while the message is, and a command copies
 * ({@link #bytes}, {@link #key}) only what it stores.
 *
 * <p>One per connection, reused for every command; not thread-safe.
 */
final class Arguments {

    private ByteBuffer message;
    private int[] starts = new int[8];
    private int[] lengths = new int[8];
    private int count;

    /**
     * Reads the words of {@code message} (position to limit), as cut by {@link RespFramer}, which
     * has already checked that an array is well formed.
     */
    void readFrom(ByteBuffer message) {
        this.message = message;
        this.count = 0;
        int at = message.position();
        int limit = message.limit();
        if (at < limit && message.get(at) == '*') {
            int lineEnd = RespFramer.lineEnd(message, at, limit);
            int words = (int) Decimal.parse(message, at + 1, lineEnd - at - 1);
            at = lineEnd + 2;
            for (int i = 0; i < words; i++) {
                lineEnd = RespFramer.lineEnd(message, at, limit);
                int length = (int) Decimal.parse(message, at + 1, lineEnd - at - 1);
                add(lineEnd + 2, length);
                at = lineEnd + 2 + length + 2;
            }
        } else {
            while (at < limit) {
                while (at < limit && isSpace(message.get(at))) {
                    at++;
                }
                int start = at;
                while (at < limit && !isSpace(message.get(at))) {
                    at++;
                }
                if (at > start) {
                    add(start, at - start);
                }
            }
        }
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    private void add(int start, int length) {
        if (count == starts.length) {
            starts = java.util.Arrays.copyOf(starts, count * 2);
            lengths = java.util.Arrays.copyOf(lengths, count * 2);
        }
        starts[count] = start;
        lengths[count] = length;
        count++;
    }

    /** How many words, the command's name included (Redis' argc). */
    int count() {
        return count;
    }

    /** True if word {@code i} is {@code word}, ignoring ASCII case ({@code word} in upper case). */
    boolean is(int i, String word) {
        if (lengths[i] != word.length()) {
            return false;
        }
        for (int j = 0; j < word.length(); j++) {
            int b = message.get(starts[i] + j);
            if (b >= 'a' && b <= 'z') {
                b -= 'a' - 'A';
            }
            if (b != word.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** The first byte of word {@code i}, in upper case if a letter; 0 for an empty word. */
    int initial(int i) {
        if (lengths[i] == 0) {
            return 0;
        }
        int b = message.get(starts[i]);
        return b >= 'a' && b <= 'z' ? b - ('a' - 'A') : b;
    }

    /** Word {@code i} as an integer, or {@code ERR value is not an integer or out of range}. */
    long integer(int i) {
        return Decimal.parse(message, starts[i], lengths[i]);
    }

    /** A copy of word {@code i}. */
    byte[] bytes(int i) {
        byte[] copy = new byte[lengths[i]];
        message.get(starts[i], copy);
        return copy;
    }

    /** Word {@code i} as a key (a copy). */
    Key key(int i) {
        return new Key(bytes(i));
    }

    /** Word {@code i} for an error message: each byte as one character, as Redis prints it. */
    String text(int i) {
        return new String(bytes(i), StandardCharsets.ISO_8859_1);
    }

    /** Appends word {@code i} as a bulk string reply. */
    void replyBulk(int i, ReplyWriter reply) {
        reply.bulk(message, starts[i], lengths[i]);
    }
}
