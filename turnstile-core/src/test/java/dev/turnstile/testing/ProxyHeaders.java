package dev.turnstile.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Encodes PROXY protocol headers the way a balancer sends them, for tests. Stateless. */
public final class ProxyHeaders {

    public static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeaders() {
    }

    /** {@code PROXY TCP4|TCP6 source destination sport dport\r\n}. */
    public static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
        String family = source.getAddress() instanceof java.net.Inet4Address ? "TCP4" : "TCP6";
        return ("PROXY " + family + " " + source.getAddress().getHostAddress() + " "
                + destination.getAddress().getHostAddress() + " " + source.getPort() + " " + destination.getPort()
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 PROXY header over TCP for {@code source}, with {@code tlvBytes} bytes of TLVs after the addresses. */
    public static byte[] v2(InetSocketAddress source, InetSocketAddress destination, int tlvBytes) {
        byte[] s = source.getAddress().getAddress();
        byte[] d = destination.getAddress().getAddress();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(0x21);                                   // version 2, PROXY
        out.write(s.length == 4 ? 0x11 : 0x21);            // INET or INET6, STREAM
        int length = 2 * s.length + 4 + tlvBytes;
        out.write(length >>> 8);
        out.write(length);
        out.writeBytes(s);
        out.writeBytes(d);
        out.write(source.getPort() >>> 8);
        out.write(source.getPort());
        out.write(destination.getPort() >>> 8);
        out.write(destination.getPort());
        writeTlvs(out, tlvBytes);
        return out.toByteArray();
    }

    /** A v2 LOCAL header (a balancer's own health check), with an empty address block. */
    public static byte[] v2Local() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(0x20);
        out.write(0x00);
        out.write(0);
        out.write(0);
        return out.toByteArray();
    }

    public static InetSocketAddress address(String literal, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(literal), port);
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void writeTlvs(ByteArrayOutputStream out, int bytes) {
        while (bytes >= 3) { // type 0xE0 (custom), length, value of 'x'
            int value = Math.min(bytes - 3, 200);
            out.write(0xE0);
            out.write(value >>> 8);
            out.write(value);
            for (int i = 0; i < value; i++) {
                out.write('x');
            }
            bytes -= 3 + value;
        }
        for (; bytes > 0; bytes--) {
            out.write(0); // a tail too short for a TLV: padding, skipped all the same
        }
    }
}
