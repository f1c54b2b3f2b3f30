package dev.turnstile.echo;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.Replies;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The notes' echo service: for each message, remove trailing whitespace, uppercase, send back;
 * until the client closes. Uppercasing uses {@link Locale#ROOT}, so every machine answers the
 * same whatever its language settings (no Turkish dotless i). Malformed UTF-8 is answered with
 * U+FFFD in place of the bad bytes.
 *
 * <p>Stateless and shared: one handler serves every connection. ASCII messages, the common
 * case, are uppercased in place with no allocation; others are decoded, uppercased and encoded.
 */
public final class EchoUppercase implements FramedService {

    private static final MessageHandler HANDLER = EchoUppercase::answer;

    @Override
    public String name() {
        return "echo-uppercase";
    }

    @Override
    public MessageHandler newHandler(ConnectionInfo connection) {
        return HANDLER;
    }

    /** Strips trailing whitespace from {@code message}, uppercases it and sends it. */
    public static void answer(ByteBuffer message, Replies replies) {
        int start = message.position();
        int end = message.limit();
        while (end > start && isAsciiWhitespace(message.get(end - 1))) {
            end--;
        }
        message.limit(end);
        boolean ascii = true;
        for (int i = start; i < end; i++) {
            byte b = message.get(i);
            if (b < 0) {
                ascii = false;
                break;
            }
            if (b >= 'a' && b <= 'z') {
                message.put(i, (byte) (b - 32));
            }
        }
        if (ascii) {
            replies.send(message);
        } else {
            message.position(start);
            replies.send(ByteBuffer.wrap(upperUtf8(message)));
        }
    }

    /** Python's {@code rstrip()} for the ASCII whitespace a network peer sends. */
    private static boolean isAsciiWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == 0x0B || b == 0x0C;
    }

    private static byte[] upperUtf8(ByteBuffer message) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(message);
            return chars.toString().toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("REPLACE decoder cannot fail", e);
        }
    }
}
