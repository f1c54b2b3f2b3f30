package dev.turnstile.examples.resp;

import dev.turnstile.core.framing.BoundedReadLoop;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the reads a Redis client's bytes arrive in, {@link RespFramer} hands on the same
 * commands: pipelined RESP arrays of bulk strings (any bytes, CRLF included) and inline commands,
 * encoded, cut into arbitrary reads and run through a driver's read loop
 * ({@link BoundedReadLoop}), come back exactly: an array whole, framing included; an inline
 * command without its line end. jqwik runs on the JUnit platform beside Jupiter; each property is
 * bounded by its number of tries.
 */
class RespSplitIntoReadsProperties {

    private static final int MAX = 512;

    /** One request as the client sends it, and the message the framer should hand on. */
    record Request(byte[] wire, byte[] message) {
    }

    @Property(tries = 300)
    void commandsAreTheSameWhateverTheReads(@ForAll("requests") List<Request> requests,
                                            @ForAll("reads") List<Integer> reads) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        requests.forEach(r -> stream.writeBytes(r.wire()));
        BoundedReadLoop.Outcome outcome = BoundedReadLoop.run(RespFramer::new, MAX, stream.toByteArray(), reads);
        assertThat(outcome.error()).isNull();
        assertThat(outcome.texts()).isEqualTo(requests.stream()
                .map(r -> new String(r.message(), StandardCharsets.ISO_8859_1)).toList());
    }

    @Provide
    Arbitrary<List<Request>> requests() {
        Arbitrary<Request> array = Arbitraries.bytes().array(byte[].class).ofMaxSize(24).list().ofMinSize(1).ofMaxSize(5)
                .map(words -> {
                    ByteArrayOutputStream wire = new ByteArrayOutputStream();
                    wire.writeBytes(("*" + words.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    for (byte[] word : words) {
                        wire.writeBytes(("$" + word.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        wire.writeBytes(word);
                        wire.writeBytes(new byte[] {'\r', '\n'});
                    }
                    return new Request(wire.toByteArray(), wire.toByteArray());
                });
        Arbitrary<Request> inline = Arbitraries.strings().withCharRange('a', 'z').withChars(' ', '"', '$')
                .ofMinLength(1).ofMaxLength(40).filter(s -> s.charAt(0) != '*')
                .map(s -> {
                    byte[] message = s.getBytes(StandardCharsets.US_ASCII);
                    return new Request((s + "\r\n").getBytes(StandardCharsets.US_ASCII), message);
                });
        return Arbitraries.oneOf(array, inline).list().ofMaxSize(10);
    }

    @Provide
    Arbitrary<List<Integer>> reads() {
        return Arbitraries.integers().between(1, 100).list().ofMinSize(1).ofMaxSize(16);
    }
}
