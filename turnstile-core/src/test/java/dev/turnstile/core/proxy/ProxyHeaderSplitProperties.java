package dev.turnstile.core.proxy;

import dev.turnstile.api.ProxyProtocol.Mode;
import dev.turnstile.testing.ProxyHeaders;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the reads a header arrives in, {@link ProxyHeaderParser} gives the same header and
 * leaves exactly the bytes behind it: v1 and v2 headers for random IPv4 and IPv6 clients, v2
 * with random TLVs, followed by data, cut into random reads.
 */
class ProxyHeaderSplitProperties {

    @Property(tries = 300)
    void aHeaderIsTheSameWhateverTheReads(@ForAll("addresses") InetAddress client, @ForAll @IntRange(max = 65535) int port,
                                          @ForAll boolean v2, @ForAll @IntRange(max = 600) int tlvBytes,
                                          @ForAll("reads") List<Integer> reads) throws Exception {
        InetSocketAddress source = new InetSocketAddress(client, port);
        InetSocketAddress destination = new InetSocketAddress(
                InetAddress.getByAddress(new byte[client.getAddress().length]), 20446);
        byte[] header = v2 ? ProxyHeaders.v2(source, destination, tlvBytes) : ProxyHeaders.v1(source, destination);
        byte[] data = "after the header\n".getBytes();
        byte[] wire = ProxyHeaders.concat(header, data);

        ProxyHeaderParser parser = new ProxyHeaderParser(Mode.ANY);
        ProxyHeader parsed = null;
        int offset = 0;
        for (int i = 0; parsed == null; i++) {
            int n = Math.min(reads.get(i % reads.size()), wire.length - offset);
            ByteBuffer in = ByteBuffer.wrap(wire, offset, n);
            parsed = parser.parse(in);
            offset = in.position();
        }
        assertThat(parsed.source()).isEqualTo(source);
        assertThat(parsed.destination()).isEqualTo(destination);
        assertThat(parsed.version()).isEqualTo(v2 ? 2 : 1);
        assertThat(offset).isEqualTo(header.length); // the data is left for the framer, untouched
    }

    @Provide
    Arbitrary<InetAddress> addresses() {
        return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofSize(4),
                        Arbitraries.bytes().array(byte[].class).ofSize(16)
                                .filter(b -> !isV4Mapped(b))) // the JDK turns those into IPv4
                .map(bytes -> {
                    try {
                        return InetAddress.getByAddress(bytes);
                    } catch (java.net.UnknownHostException e) {
                        throw new AssertionError(e);
                    }
                });
    }

    @Provide
    Arbitrary<List<Integer>> reads() {
        return Arbitraries.integers().between(1, 40).list().ofMinSize(1).ofMaxSize(8);
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
