package dev.turnstile.examples.resp;

import dev.turnstile.api.Framer;
import dev.turnstile.api.MalformedFrameException;
import dev.turnstile.api.MessageTooLongException;
import dev.turnstile.api.Outbound;
import dev.turnstile.api.ProtocolException;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Cuts a Redis client's bytes into commands, as Redis does: a request starting with {@code *} is
 * a RESP array of bulk strings ({@code *<count>\r\n} then {@code $<length>\r\n<bytes>\r\n} per
 * word); anything else is an inline command, one line of words ({@code PING\r\n}, what telnet
 * sends). Each command is handed on whole, framing included (an array) or without its line end
 * (a line); {@link Arguments} then finds its words. Empty arrays and empty lines are skipped.
 * Many commands in one read (pipelining) are handed on in order; an unfinished one waits for
 * the next read. A frame that cannot be read throws with Redis' own wording ({@code invalid
 * multibulk length}, {@code expected '$', got 'x'}), which the handler answers as
 * {@code -ERR Protocol error: ...}.
 *
 * <p>Replies are complete RESP already (see {@link ReplyWriter}), so {@link #encode} adds nothing.
 * Per connection; one thread at a time.
 */
final class RespFramer implements Framer {

    private static final int INCOMPLETE = -1;

    private final int maxMessageBytes;
    private int messageEnd; // set by arrayEnd and lineRequestEnd: where the message found ends

    RespFramer(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void decode(ByteBuffer in, boolean endOfInput, Consumer<ByteBuffer> sink) throws ProtocolException {
        final int limit = in.limit();
        int start = in.position();
        while (start < limit) {
            int next = in.get(start) == '*' ? arrayEnd(in, start, limit) : lineRequestEnd(in, start, limit);
            if (next == INCOMPLETE) {
                break;
            }
            if (messageEnd > start) {
                in.limit(messageEnd).position(start);
                sink.accept(in);
                in.limit(limit);
            }
            start = next;
        }
        in.limit(limit).position(endOfInput ? limit : start); // at the end, an unfinished command is dropped
    }

    /** The end of the array request at {@code start}, or INCOMPLETE. */
    private int arrayEnd(ByteBuffer in, int start, int limit) throws ProtocolException {
        int lineEnd = lineEnd(in, start, limit);
        if (lineEnd == INCOMPLETE) {
            return unfinishedLine(in, start, limit, "too big mbulk count string");
        }
        long count = number(in, start + 1, lineEnd, "invalid multibulk length");
        long at = lineEnd + 2;
        if (lineEnd - start > maxMessageBytes) {
            throw new MessageTooLongException(maxMessageBytes, "too big mbulk count string");
        }
        if (count <= 0) {
            messageEnd = start; // nothing to run, as in Redis
            return (int) at;
        }
        if (count > maxMessageBytes / 4) { // each word takes at least "$0\r\n\r\n"
            throw new MessageTooLongException(maxMessageBytes, "invalid multibulk length");
        }
        for (long i = 0; i < count; i++) {
            if (at >= limit) {
                return unfinished(start, (int) at, "too big request");
            }
            byte type = in.get((int) at);
            if (type != '$') {
                throw new MalformedFrameException("expected '$', got '" + (char) type + "'");
            }
            lineEnd = lineEnd(in, (int) at, limit);
            if (lineEnd == INCOMPLETE) {
                return unfinished(start, limit, "too big bulk count string"); // the whole request counts, not this line
            }
            long length = number(in, (int) at + 1, lineEnd, "invalid bulk length");
            if (length < 0) {
                throw new MalformedFrameException("invalid bulk length");
            }
            at = lineEnd + 2 + length + 2;
            if (at - start > maxMessageBytes) {
                throw new MessageTooLongException(maxMessageBytes, "invalid bulk length");
            }
            if (at > limit) {
                return INCOMPLETE;
            }
            if (in.get((int) at - 2) != '\r' || in.get((int) at - 1) != '\n') {
                throw new MalformedFrameException("bulk string of " + length + " bytes not followed by CRLF");
            }
        }
        messageEnd = (int) at;
        return (int) at;
    }

    /** The end of the inline request (one line) at {@code start}, or INCOMPLETE. */
    private int lineRequestEnd(ByteBuffer in, int start, int limit) throws MessageTooLongException {
        for (int i = start; i < limit; i++) {
            if (in.get(i) == '\n') {
                messageEnd = i > start && in.get(i - 1) == '\r' ? i - 1 : i;
                if (messageEnd - start > maxMessageBytes) {
                    throw new MessageTooLongException(maxMessageBytes, "too big inline request");
                }
                return i + 1;
            }
        }
        return unfinishedLine(in, start, limit, "too big inline request");
    }

    /** As {@link #unfinished}, for a line: one of the maximum may wait for its {@code \n} after its {@code \r}. */
    private int unfinishedLine(ByteBuffer in, int from, int upTo, String tooLong) throws MessageTooLongException {
        boolean lastIsCr = upTo > from && in.get(upTo - 1) == '\r';
        return unfinished(from, lastIsCr ? upTo - 1 : upTo, tooLong);
    }

    /** INCOMPLETE, unless the bytes from {@code from} already exceed the most a message may have. */
    private int unfinished(int from, int upTo, String tooLong) throws MessageTooLongException {
        if (upTo - from > maxMessageBytes) {
            throw new MessageTooLongException(maxMessageBytes, tooLong);
        }
        return INCOMPLETE;
    }

    /** The position of the first {@code \r\n} at or after {@code from}, or INCOMPLETE. */
    static int lineEnd(ByteBuffer in, int from, int limit) {
        for (int i = from; i + 1 < limit; i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
                return i;
            }
        }
        return INCOMPLETE;
    }

    private static long number(ByteBuffer in, int from, int to, String problem) throws MalformedFrameException {
        try {
            return Decimal.parse(in, from, to - from);
        } catch (RespError e) {
            throw new MalformedFrameException(problem);
        }
    }

    @Override
    public void encode(ByteBuffer payload, Outbound out) {
        out.put(payload);
    }

    @Override
    public int maxMessageBytes() {
        return maxMessageBytes;
    }
}
