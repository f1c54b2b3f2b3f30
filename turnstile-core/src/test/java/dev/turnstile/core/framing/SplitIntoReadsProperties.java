package dev.turnstile.core.framing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the reads a stream arrives in, a framer finds the same messages: for each built-in
 * framer, messages within the limits are encoded, the bytes cut into arbitrary reads and run
 * through a driver's read loop ({@link BoundedReadLoop}), and exactly the messages come back, in
 * order, with no protocol error. What holds differs by framer:
 * <ul>
 *   <li>line, delimiter, length-prefixed: the same messages for every split (messages hold no
 *       delimiter; a line's last message may be left unterminated);</li>
 *   <li>raw: a message per read, so only the concatenation is fixed: it is the whole stream, and
 *       no message is longer than the maximum;</li>
 *   <li>auto: raw until a read carries a newline, so once the first read holds the first line,
 *       the lines come back exactly.</li>
 * </ul>
 * jqwik runs on the JUnit platform beside Jupiter; each property is bounded by its number of tries.
 */
class SplitIntoReadsProperties {

    private static final int MAX = 64;

    @Property(tries = 300)
    void linesAreTheSameWhateverTheReads(@ForAll("lines") List<byte[]> lines, @ForAll("reads") List<Integer> reads,
                                         @ForAll boolean crlf, @ForAll boolean lastUnterminated) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            stream.writeBytes(lines.get(i));
            boolean last = i == lines.size() - 1;
            if (!(last && lastUnterminated && lines.get(i).length > 0)) {
                stream.writeBytes(crlf ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
            }
        }
        BoundedReadLoop.Outcome outcome = BoundedReadLoop.run(LineFramer::new, MAX, stream.toByteArray(), reads);
        assertThat(outcome.error()).isNull();
        assertThat(outcome.texts()).isEqualTo(texts(lines));
    }

    @Property(tries = 300)
    void delimitedMessagesAreTheSameWhateverTheReads(@ForAll("delimiters") String delimiterText,
                                                     @ForAll("messages") List<byte[]> messages,
                                                     @ForAll("reads") List<Integer> reads) {
        byte[] delimiter = delimiterText.getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> unambiguous = messages.stream()
                .filter(m -> indexOf(concat(m, delimiter), delimiter) == m.length) // no delimiter inside or straddling
                .toList();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        unambiguous.forEach(m -> stream.writeBytes(concat(m, delimiter)));
        BoundedReadLoop.Outcome outcome = BoundedReadLoop.run(max -> new DelimiterFramer(delimiter, max), MAX,
                stream.toByteArray(), reads);
        assertThat(outcome.error()).isNull();
        assertThat(outcome.texts()).isEqualTo(texts(unambiguous));
    }

    @Property(tries = 300)
    void lengthPrefixedFramesAreTheSameWhateverTheReads(@ForAll("prefixSizes") int prefixBytes,
                                                        @ForAll("messages") List<byte[]> messages,
                                                        @ForAll("reads") List<Integer> reads) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (byte[] message : messages) {
            for (int shift = 8 * (prefixBytes - 1); shift >= 0; shift -= 8) {
                stream.write(message.length >>> shift);
            }
            stream.writeBytes(message);
        }
        BoundedReadLoop.Outcome outcome = BoundedReadLoop.run(max -> new LengthPrefixedFramer(prefixBytes, max), MAX,
                stream.toByteArray(), reads);
        assertThat(outcome.error()).isNull();
        assertThat(outcome.texts()).isEqualTo(texts(messages));
    }

    @Property(tries = 300)
    void rawMessagesConcatenateToTheStream(@ForAll("bytes") byte[] stream, @ForAll("reads") List<Integer> reads) {
        BoundedReadLoop.Outcome outcome = BoundedReadLoop.run(RawFramer::new, MAX, stream, reads);
        assertThat(outcome.error()).isNull();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        outcome.messages().forEach(all::writeBytes);
        assertThat(all.toByteArray()).isEqualTo(stream);
        assertThat(outcome.messages()).allSatisfy(m -> assertThat(m.length).isBetween(1, MAX));
    }

    @Property(tries = 300)
    void autoGivesLinesOnceTheFirstReadHoldsALine(@ForAll("firstLine") byte[] first, @ForAll("lines") List<byte[]> rest,
                                                  @ForAll("reads") List<Integer> reads) {
        List<byte[]> lines = new ArrayList<>();
        lines.add(first);
        lines.addAll(rest);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        lines.forEach(line -> stream.writeBytes(concat(line, new byte[] {'\n'})));
        List<Integer> firstReadHoldsALine = new ArrayList<>();
        firstReadHoldsALine.add(first.length + 1);
        firstReadHoldsALine.addAll(reads);
        AutoFramer[] framer = new AutoFramer[1];
        BoundedReadLoop.Outcome outcome = BoundedReadLoop.run(max -> framer[0] = new AutoFramer(max), MAX,
                stream.toByteArray(), firstReadHoldsALine);
        assertThat(outcome.error()).isNull();
        assertThat(outcome.texts()).isEqualTo(texts(lines));
        assertThat(framer[0].isLineMode()).isTrue();
    }

    @Provide
    Arbitrary<byte[]> firstLine() { // short enough for the loop's first read
        return Arbitraries.bytes().filter(b -> b != '\n' && b != '\r').array(byte[].class)
                .ofMaxSize(BoundedReadLoop.INITIAL_READ_BUFFER - 1);
    }

    @Provide
    Arbitrary<List<Integer>> reads() {
        return Arbitraries.integers().between(1, 2 * MAX).list().ofMinSize(1).ofMaxSize(16);
    }

    @Provide
    Arbitrary<List<byte[]>> lines() {
        return Arbitraries.bytes().filter(b -> b != '\n' && b != '\r').array(byte[].class).ofMaxSize(MAX)
                .list().ofMinSize(1).ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<byte[]>> messages() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(MAX - 2).list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(4 * MAX);
    }

    @Provide
    Arbitrary<String> delimiters() {
        return Arbitraries.of("\0", "|", "\r\n", "\r\n\r\n", "aab");
    }

    @Provide
    Arbitrary<Integer> prefixSizes() {
        return Arbitraries.of(1, 2, 4);
    }

    private static List<String> texts(List<byte[]> messages) {
        return messages.stream().map(m -> new String(m, StandardCharsets.ISO_8859_1)).toList();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
