package dev.turnstile.loadgen;

import dev.turnstile.api.Framing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The messages a run sends, in turn, and the reply each must get. Either the notes' words
 * ({@code hello}, {@code bye}, ... {@code why not?}) or random printable payloads of a fixed size.
 *
 * <p>The expected reply is computed here, independently of the server's code, from the notes'
 * rule: {@code upper(rstrip(message))}, with a newline added under line framing and nothing under
 * raw framing. Random payloads use the printable characters {@code !} to {@code ~}: no spaces, so
 * no reply depends on where the network happens to cut a raw message.
 *
 * <p>Immutable and shared.
 */
public final class MessageSet {

    /** The largest random payload; bigger ones only measure memory copies. */
    public static final int MAX_SIZE = 1 << 20;

    /** The notes' client's word list, in its order. */
    public static final List<String> NOTES_WORDS =
            List.of("hello", "bye", "why", "yes", "no", "maybe", "are you sure", "why not?");

    private static final int RANDOM_PAYLOADS = 8;

    private final String spec;
    private final List<byte[]> payloads;

    private MessageSet(String spec, List<byte[]> payloads) {
        this.spec = spec;
        this.payloads = payloads;
    }

    /** The notes' words. */
    public static MessageSet notes() {
        List<byte[]> p = new ArrayList<>();
        for (String w : NOTES_WORDS) {
            p.add(w.getBytes(StandardCharsets.UTF_8));
        }
        return new MessageSet("notes", List.copyOf(p));
    }

    /** Eight random printable payloads of {@code size} bytes; the same ones on every run. */
    public static MessageSet random(int size) {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("message size must be between 1 and " + MAX_SIZE + " bytes (got " + size + ")");
        }
        SplittableRandom random = new SplittableRandom(0x7475726eL + size);
        List<byte[]> p = new ArrayList<>();
        for (int i = 0; i < RANDOM_PAYLOADS; i++) {
            byte[] b = new byte[size];
            for (int k = 0; k < size; k++) {
                b[k] = (byte) random.nextInt('!', '~' + 1);
            }
            p.add(b);
        }
        return new MessageSet(Integer.toString(size), List.copyOf(p));
    }

    /** {@code notes} or a size in bytes, as {@code --message-set} takes it. */
    public static MessageSet parse(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        if (s.equals("notes")) {
            return notes();
        }
        int size;
        try {
            size = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("message set must be 'notes' or a size in bytes (got '" + spec + "')");
        }
        return random(size);
    }

    /** How {@code --message-set} named this set: {@code notes} or the size. */
    public String spec() {
        return spec;
    }

    /** How many distinct messages there are. */
    public int count() {
        return payloads.size();
    }

    /** The longest request under {@code framing}, in bytes. */
    public int maxRequestBytes(Framing framing) {
        int max = 0;
        for (int i = 0; i < count(); i++) {
            max = Math.max(max, request(i, framing).length);
        }
        return max;
    }

    /** Message {@code i} as sent: the payload, plus a newline under line framing. */
    public byte[] request(int i, Framing framing) {
        byte[] payload = payloads.get(i);
        return framing == Framing.LINE ? append(payload, payload.length) : payload.clone();
    }

    /** The reply message {@code i} must get under {@code framing}. */
    public byte[] expectedReply(int i, Framing framing) {
        return expectedReply(payloads.get(i), framing);
    }

    /** {@code upper(rstrip(payload))}, plus a newline under line framing. */
    static byte[] expectedReply(byte[] payload, Framing framing) {
        int end = payload.length;
        while (end > 0 && isAsciiWhitespace(payload[end - 1])) {
            end--;
        }
        byte[] upper = new String(payload, 0, end, StandardCharsets.UTF_8)
                .toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        return framing == Framing.LINE ? append(upper, upper.length) : upper;
    }

    private static byte[] append(byte[] bytes, int length) {
        byte[] out = Arrays.copyOf(bytes, length + 1);
        out[length] = '\n';
        return out;
    }

    private static boolean isAsciiWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == 0x0B || b == 0x0C;
    }

    @Override
    public String toString() {
        return spec.equals("notes") ? "notes messages" : spec + "-byte messages";
    }
}
