package dev.turnstile.examples.resp;

import dev.turnstile.api.Replies;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes RESP2 replies: {@code +OK}, {@code -ERR ...}, {@code :42}, bulk strings
 * ({@code $3\r\nbar\r\n}, nil {@code $-1}) and array headers ({@code *2}, nil {@code *-1}), each
 * ending in CRLF. A command writes its complete reply here; {@link #sendTo} hands it to the
 * connection as one message (the framer adds nothing) and starts the next.
 *
 * <p>One per connection, reused for every command, so the only copy of a reply is the one into
 * the connection's outbound queue; grows for a large reply. Not thread-safe.
 */
final class ReplyWriter {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);

    private ByteBuffer buffer = ByteBuffer.allocate(256); // write mode: [0, position) is the reply
    private boolean closeAfter;

    void ok() {
        put(OK);
    }

    /** A simple string such as {@code PONG}: no CR or LF in it. */
    void simple(String text) {
        ensure(text.length() + 3);
        buffer.put((byte) '+');
        putText(text);
        buffer.put(CRLF);
    }

    /** An error such as {@code ERR syntax error}; line breaks in it become spaces, as in Redis. */
    void error(String message) {
        ensure(message.length() + 3);
        buffer.put((byte) '-');
        putText(message.replace('\r', ' ').replace('\n', ' '));
        buffer.put(CRLF);
    }

    void integer(long value) {
        ensure(23);
        buffer.put((byte) ':');
        Decimal.write(value, buffer);
        buffer.put(CRLF);
    }

    /** A bulk string, or nil if {@code value} is null. */
    void bulk(byte[] value) {
        if (value == null) {
            put(NIL);
            return;
        }
        header('$', value.length, value.length + 2);
        buffer.put(value).put(CRLF);
    }

    /** A bulk string of {@code length} bytes of {@code source} from {@code offset}. */
    void bulk(ByteBuffer source, int offset, int length) {
        header('$', length, length + 2);
        buffer.put(buffer.position(), source, offset, length);
        buffer.position(buffer.position() + length).put(CRLF);
    }

    void nil() {
        put(NIL);
    }

    void nilArray() {
        put(NIL_ARRAY);
    }

    /** The header of an array of {@code size} replies, which follow. */
    void array(int size) {
        header('*', size, 0);
    }

    /** After this reply, the connection closes (QUIT). */
    void closeAfter() {
        closeAfter = true;
    }

    /** Sends the reply written since the last call as one message; true if the connection is to close. */
    boolean sendTo(Replies replies) {
        buffer.flip();
        replies.send(buffer);
        buffer.clear();
        if (buffer.capacity() > 64 * 1024) {
            buffer = ByteBuffer.allocate(256); // a large reply does not pin memory for the connection's life
        }
        boolean close = closeAfter;
        closeAfter = false;
        return close;
    }

    /** Forgets what was written since the last send: an error replaces it. */
    void discard() {
        buffer.clear();
    }

    private void header(char type, long size, int more) {
        ensure(23 + more);
        buffer.put((byte) type);
        Decimal.write(size, buffer);
        buffer.put(CRLF);
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        buffer.put(bytes);
    }

    private void putText(String text) {
        for (int i = 0; i < text.length(); i++) {
            buffer.put((byte) text.charAt(i));
        }
    }

    private void ensure(int more) {
        if (buffer.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
            buffer.flip();
            buffer = bigger.put(buffer);
        }
    }
}
