package dev.turnstile.core.proxy;

import dev.turnstile.api.ProxyProtocol.Mode;
import dev.turnstile.testing.ProxyHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static dev.turnstile.testing.ProxyHeaders.address;
import static dev.turnstile.testing.ProxyHeaders.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class ProxyHeaderParserTest {

    private static final byte[] DATA = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void v1Tcp4NamesTheClientAndLeavesTheDataBehind() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(concat(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n"), DATA));
        ProxyHeader header = new ProxyHeaderParser(Mode.V1).parse(in);
        assertThat(header.version()).isEqualTo(1);
        assertThat(header.source()).isEqualTo(address("192.0.2.7", 56324));
        assertThat(header.destination()).isEqualTo(address("198.51.100.1", 443));
        assertThat(rest(in)).isEqualTo("PING\r\n");
    }

    @Test
    void v1Tcp6() throws Exception {
        ProxyHeader header = new ProxyHeaderParser(Mode.ANY).parse(
                ByteBuffer.wrap(ascii("PROXY TCP6 2001:db8::7 ::1 65535 0\r\n")));
        assertThat(header.source()).isEqualTo(address("2001:db8::7", 65535));
        assertThat(header.destination()).isEqualTo(address("::1", 0));
    }

    @Test
    void v1UnknownKeepsTheSocketAddressAndIgnoresTheRestOfTheLine() throws Exception {
        var socket = address("127.0.0.1", 4000);
        assertThat(new ProxyHeaderParser(Mode.V1).parse(ByteBuffer.wrap(ascii("PROXY UNKNOWN\r\n"))).remoteOr(socket))
                .isEqualTo(socket);
        ProxyHeader longForm = new ProxyHeaderParser(Mode.V1).parse(
                ByteBuffer.wrap(ascii("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ::1 65535 65535\r\n")));
        assertThat(longForm.source()).isNull();
    }

    @Test
    void v1OfTheLongestLengthIsAcceptedAndOneByteMoreIsNot() throws Exception {
        String longest = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
        assertThat(longest).hasSize(ProxyHeaderParser.MAX_V1_BYTES);
        assertThat(new ProxyHeaderParser(Mode.V1).parse(ByteBuffer.wrap(ascii(longest))).length()).isEqualTo(107);
        assertThatThrownBy(() -> new ProxyHeaderParser(Mode.V1).parse(ByteBuffer.wrap(ascii(longest.replace("PROXY ", "PROXY  ")))))
                .isInstanceOf(MalformedProxyHeaderException.class).hasMessageContaining("107");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\n",         // bare LF
            "PROXY TCP4 192.0.2.7  198.51.100.1 56324 443\r\n",      // two spaces
            "PROXY TCP4 192.0.2.7 198.51.100.1 56324\r\n",           // a field short
            "PROXY TCP4 192.0.2.07 198.51.100.1 56324 443\r\n",      // leading zero (octal?)
            "PROXY TCP4 192.0.2.256 198.51.100.1 56324 443\r\n",     // octet over 255
            "PROXY TCP4 192.0.2 198.51.100.1 56324 443\r\n",         // three octets
            "PROXY TCP4 localhost 198.51.100.1 56324 443\r\n",       // a name: never looked up
            "PROXY TCP4 2001:db8::1 198.51.100.1 56324 443\r\n",     // IPv6 under TCP4
            "PROXY TCP6 192.0.2.7 ::1 56324 443\r\n",                // IPv4 under TCP6
            "PROXY TCP6 [::1] ::1 56324 443\r\n",                    // brackets
            "PROXY TCP4 192.0.2.7 198.51.100.1 65536 443\r\n",       // port over 65535
            "PROXY TCP4 192.0.2.7 198.51.100.1 0443 443\r\n",        // port with a leading zero
            "PROXY UDP4 192.0.2.7 198.51.100.1 56324 443\r\n",       // not TCP
            "PROXY\r\n",
            "proxy TCP4 192.0.2.7 198.51.100.1 56324 443\r\n",       // case
            "GET / HTTP/1.1\r\n",                                    // no header at all
    })
    void malformedV1IsRefused(String text) {
        assertThatThrownBy(() -> new ProxyHeaderParser(Mode.ANY).parse(ByteBuffer.wrap(ascii(text))))
                .isInstanceOf(MalformedProxyHeaderException.class);
    }

    @Test
    void v2OverIpv4AndIpv6() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(concat(ProxyHeaders.v2(address("203.0.113.9", 40000), address("10.0.0.1", 20446), 0), DATA));
        ProxyHeader header = new ProxyHeaderParser(Mode.V2).parse(in);
        assertThat(header.version()).isEqualTo(2);
        assertThat(header.source()).isEqualTo(address("203.0.113.9", 40000));
        assertThat(header.destination()).isEqualTo(address("10.0.0.1", 20446));
        assertThat(header.length()).isEqualTo(28);
        assertThat(rest(in)).isEqualTo("PING\r\n");

        ProxyHeader six = new ProxyHeaderParser(Mode.ANY).parse(
                ByteBuffer.wrap(ProxyHeaders.v2(address("2001:db8::9", 1), address("2001:db8::1", 2), 0)));
        assertThat(six.source()).isEqualTo(address("2001:db8::9", 1));
        assertThat(six.length()).isEqualTo(52);
    }

    @Test
    void v2TlvsAreSkippedUpToTheCap() throws Exception {
        int tlvs = ProxyHeaderParser.MAX_V2_BYTES - 28;
        ByteBuffer in = ByteBuffer.wrap(concat(ProxyHeaders.v2(address("203.0.113.9", 1), address("10.0.0.1", 2), tlvs), DATA));
        ProxyHeader header = new ProxyHeaderParser(Mode.V2).parse(in);
        assertThat(header.source()).isEqualTo(address("203.0.113.9", 1));
        assertThat(header.length()).isEqualTo(ProxyHeaderParser.MAX_V2_BYTES);
        assertThat(rest(in)).isEqualTo("PING\r\n");

        assertThatThrownBy(() -> new ProxyHeaderParser(Mode.V2).parse(
                ByteBuffer.wrap(ProxyHeaders.v2(address("203.0.113.9", 1), address("10.0.0.1", 2), tlvs + 1))))
                .isInstanceOf(MalformedProxyHeaderException.class).hasMessageContaining("4096");
    }

    @Test
    void v2LocalKeepsTheSocketAddress() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(concat(ProxyHeaders.v2Local(), DATA));
        ProxyHeader header = new ProxyHeaderParser(Mode.ANY).parse(in);
        assertThat(header.source()).isNull();
        assertThat(header.remoteOr(address("127.0.0.1", 9))).isEqualTo(address("127.0.0.1", 9));
        assertThat(rest(in)).isEqualTo("PING\r\n");
    }

    @Test
    void malformedV2IsRefused() {
        byte[] good = ProxyHeaders.v2(address("203.0.113.9", 1), address("10.0.0.1", 2), 0);
        for (int[] change : new int[][] {{3, 0x0B}, {12, 0x11}, {12, 0x22}, {13, 0x12}, {13, 0x41}, {15, 11}}) {
            byte[] bad = good.clone();
            bad[change[0]] = (byte) change[1]; // signature, version 1, command 2, DGRAM, family 4, length too short
            assertThatThrownBy(() -> new ProxyHeaderParser(Mode.ANY).parse(ByteBuffer.wrap(bad)))
                    .as("byte %d = 0x%x", change[0], change[1])
                    .isInstanceOf(MalformedProxyHeaderException.class);
        }
    }

    @Test
    void aModeRefusesTheOtherVersion() {
        assertThatThrownBy(() -> new ProxyHeaderParser(Mode.V1).parse(ByteBuffer.wrap(ProxyHeaders.v2Local())))
                .isInstanceOf(MalformedProxyHeaderException.class).hasMessageContaining("v1");
        assertThatThrownBy(() -> new ProxyHeaderParser(Mode.V2).parse(ByteBuffer.wrap(ascii("PROXY UNKNOWN\r\n"))))
                .isInstanceOf(MalformedProxyHeaderException.class).hasMessageContaining("v2");
    }

    @Test
    void byteByByteGivesTheSameHeaderAndWantedNeverOvershoots() throws Exception {
        for (byte[] wire : new byte[][] {
                ascii("PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n"),
                ascii("PROXY TCP6 2001:db8::7 ::1 1 2\r\n"),
                ascii("PROXY UNKNOWN\r\n"),
                ProxyHeaders.v2(address("203.0.113.9", 1), address("10.0.0.1", 2), 100),
                ProxyHeaders.v2Local()}) {
            ProxyHeaderParser parser = new ProxyHeaderParser(Mode.ANY);
            ProxyHeader header = null;
            int offset = 0;
            while (header == null) {
                int wanted = parser.wanted();
                assertThat(wanted).isPositive();
                assertThat(offset + wanted).as("wanted past the header's end").isLessThanOrEqualTo(wire.length);
                ByteBuffer one = ByteBuffer.wrap(wire, offset, 1);
                header = parser.parse(one);
                assertThat(one.hasRemaining()).isFalse();
                offset++;
            }
            assertThat(offset).isEqualTo(wire.length);
            assertThat(header).isEqualTo(new ProxyHeaderParser(Mode.ANY).parse(ByteBuffer.wrap(wire)));
            assertThat(parser.wanted()).isZero();
        }
    }

    @Test
    void anEmptyReadNeedsMore() throws Exception {
        ProxyHeaderParser parser = new ProxyHeaderParser(Mode.ANY);
        assertThat(parser.parse(ByteBuffer.allocate(0))).isNull();
        assertThat(parser.parse(ByteBuffer.wrap(ascii("PROXY UNK")))).isNull();
        assertThat(parser.parse(ByteBuffer.wrap(ascii("NOWN\r\n")))).isNotNull();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String rest(ByteBuffer in) {
        byte[] b = new byte[in.remaining()];
        in.get(b);
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void aRefusedHeaderStaysRefusedAndConsumesNothingMore() {
        ProxyHeaderParser parser = new ProxyHeaderParser(Mode.ANY);
        assertThatThrownBy(() -> parser.parse(ByteBuffer.wrap("PROXY TCP9 x\r\n".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(MalformedProxyHeaderException.class);
        ByteBuffer more = ByteBuffer.wrap("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> parser.parse(more)).isInstanceOf(MalformedProxyHeaderException.class);
        assertThat(more.position()).isZero();
        assertThat(parser.done()).isFalse();
    }
}
