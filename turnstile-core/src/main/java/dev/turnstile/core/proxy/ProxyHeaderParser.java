package dev.turnstile.core.proxy;

import dev.turnstile.api.ProxyProtocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads one PROXY protocol header (HAProxy's doc/proxy-protocol.txt, v1 and v2) from the start of
 * a connection, incrementally: {@link #parse} takes whatever bytes a read brought, consumes only
 * the header's (what follows stays in the buffer for the framer), and returns the header once it
 * is whole, so a header split across any number of reads gives the same result as one read.
 *
 * <p><b>Strict.</b> The version is told by the first byte ({@code 'P'}: v1, {@code '\r'}: v2) and
 * must be one the {@link ProxyProtocol.Mode} accepts; anything that does not match the
 * specification exactly is refused with a {@link MalformedProxyHeaderException}: v1 without its
 * CRLF within 107 bytes, a field not in its canonical form (IPv4 octets and ports without leading
 * zeros, literals only, so nothing is ever looked up), v2 with a wrong signature, version or
 * command, a length too short for its address family, a transport other than stream.
 *
 * <p><b>Bounded.</b> A v1 line is at most 107 bytes. A v2 header is 16 bytes plus its announced
 * length (up to 65,535); this parser refuses one over {@link #MAX_V2_BYTES} (4 KiB) in all: the TLVs
 * after the addresses are skipped as they arrive, never stored, so the cap bounds only how much a
 * peer may send before its data, and HAProxy's own headers (ALPN, authority, unique id, SSL
 * details: a few hundred bytes) fit well within it. Memory: one 108-byte array per parser, none
 * per byte.
 *
 * <p><b>Reads that never overshoot.</b> {@link #wanted()} is the fewest bytes that could still
 * complete the header, so a blocking reader that reads at most that many never takes a byte of
 * the data behind the header.
 *
 * <p>Not thread-safe: one parser per connection, used by the thread or loop that reads it.
 */
public final class ProxyHeaderParser {

    /** The longest v1 header, CRLF included (the specification's own figure). */
    public static final int MAX_V1_BYTES = 107;
    /** The longest v2 header this parser accepts, 16 fixed bytes and TLVs included. */
    public static final int MAX_V2_BYTES = 4096;

    private static final byte[] V1_SIGNATURE = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int V2_FIXED = 16;
    private static final int V1_SHORTEST = "PROXY UNKNOWN\r\n".length();                    // 15
    private static final int V1_SHORTEST_TCP4 = "PROXY TCP4 0.0.0.0 0.0.0.0 0 0\r\n".length(); // 32
    private static final int V1_SHORTEST_TCP6 = "PROXY TCP6 :: :: 0 0\r\n".length();            // 22
    private static final int V4_ADDRESSES = 12, V6_ADDRESSES = 36;

    private final ProxyProtocol.Mode mode;
    private final byte[] held = new byte[MAX_V1_BYTES + 1]; // the v1 line, or v2's fixed part and addresses
    private int seen;          // header bytes consumed so far
    private int version;       // 0 until the first byte, then 1 or 2
    private int v2Length;      // the whole v2 header, once its fixed part is in; 0 before
    private int v2Addresses;   // how many address bytes of v2 are kept in held
    private ProxyHeader header;
    private MalformedProxyHeaderException failure; // once thrown, thrown again: the parser's state is spent

    /** A parser for one connection, accepting the versions of {@code mode} (not {@link ProxyProtocol.Mode#OFF}). */
    public ProxyHeaderParser(ProxyProtocol.Mode mode) {
        if (mode == ProxyProtocol.Mode.OFF) {
            throw new IllegalArgumentException("a PROXY header parser needs a mode other than OFF");
        }
        this.mode = mode;
    }

    /**
     * Consumes header bytes from {@code in} (from its position; never past the header's end) and
     * returns the header once it is whole, or null while more bytes are needed. After the header,
     * returns it again and consumes nothing.
     *
     * @throws MalformedProxyHeaderException the bytes are not a header this parser accepts; every
     *         later call throws the same exception and consumes nothing
     */
    public ProxyHeader parse(ByteBuffer in) throws MalformedProxyHeaderException {
        if (failure != null) {
            throw failure;
        }
        try {
            while (header == null && in.hasRemaining()) {
                if (version == 0) {
                    version = chooseVersion(in.get(in.position()));
                }
                if (version == 1) {
                    parseV1Byte(in.get());
                } else {
                    parseV2(in);
                }
            }
            return header;
        } catch (MalformedProxyHeaderException e) {
            failure = e;
            throw e;
        }
    }

    /** Header bytes consumed so far. */
    public int consumed() {
        return seen;
    }

    /** True once the header is whole. */
    public boolean done() {
        return header != null;
    }

    /**
     * The fewest bytes that could still complete the header: 0 once it is whole, at least 1
     * before. Reading no more than this never consumes data that follows the header.
     */
    public int wanted() {
        if (header != null) {
            return 0;
        }
        return switch (version) {
            case 0 -> mode == ProxyProtocol.Mode.V2 ? V2_FIXED : V1_SHORTEST;
            case 1 -> Math.max(1, v1Shortest() - seen);
            default -> v2Length == 0 ? V2_FIXED - seen : v2Length - seen;
        };
    }

    private int chooseVersion(byte first) throws MalformedProxyHeaderException {
        if (first == 'P' && mode != ProxyProtocol.Mode.V2) {
            return 1;
        }
        if (first == 0x0D && mode != ProxyProtocol.Mode.V1) {
            return 2;
        }
        throw new MalformedProxyHeaderException("no PROXY " + switch (mode) {
            case V1 -> "v1";
            case V2 -> "v2";
            default -> "v1 or v2";
        } + " header: the connection begins with byte 0x" + Integer.toHexString(first & 0xff));
    }

    private int v1Shortest() {
        if (seen < 11) {
            return V1_SHORTEST;
        }
        if (held[6] == 'T' && held[7] == 'C' && held[8] == 'P' && held[10] == ' ') {
            return held[9] == '4' ? V1_SHORTEST_TCP4 : held[9] == '6' ? V1_SHORTEST_TCP6 : V1_SHORTEST;
        }
        return V1_SHORTEST;
    }

    // ---- v1: "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n" ----

    private void parseV1Byte(byte b) throws MalformedProxyHeaderException {
        held[seen++] = b;
        if (seen <= V1_SIGNATURE.length && b != V1_SIGNATURE[seen - 1]) {
            throw new MalformedProxyHeaderException("not a PROXY v1 header: it does not begin with 'PROXY '");
        }
        if (b == '\n') {
            if (held[seen - 2] != '\r') {
                throw new MalformedProxyHeaderException("PROXY v1 header ends in a bare LF, not CRLF");
            }
            header = decodeV1();
        } else if (seen == MAX_V1_BYTES) {
            throw new MalformedProxyHeaderException("PROXY v1 header without its CRLF within " + MAX_V1_BYTES + " bytes");
        }
    }

    private ProxyHeader decodeV1() throws MalformedProxyHeaderException {
        String line = new String(held, 0, seen - 2, StandardCharsets.US_ASCII);
        String[] fields = line.split(" ", -1);
        String protocol = fields.length > 1 ? fields[1] : "";
        if (protocol.equals("UNKNOWN")) {
            return new ProxyHeader(1, null, null, seen); // the rest of the line is ignored, as the spec says
        }
        boolean v4 = protocol.equals("TCP4");
        if (!v4 && !protocol.equals("TCP6")) {
            throw new MalformedProxyHeaderException("PROXY v1 header with protocol '" + printable(protocol)
                    + "' (expected TCP4, TCP6 or UNKNOWN)");
        }
        if (fields.length != 6) {
            throw new MalformedProxyHeaderException("PROXY v1 header with " + fields.length
                    + " single-space separated fields (expected 6): '" + printable(line) + "'");
        }
        InetAddress source = v4 ? ipv4(fields[2]) : ipv6(fields[2]);
        InetAddress destination = v4 ? ipv4(fields[3]) : ipv6(fields[3]);
        return new ProxyHeader(1, new InetSocketAddress(source, port(fields[4])),
                new InetSocketAddress(destination, port(fields[5])), seen);
    }

    private static InetAddress ipv4(String text) throws MalformedProxyHeaderException {
        byte[] octets = new byte[4];
        int octet = 0, value = 0, digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || octet == 4) {
                    throw bad("IPv4 address", text);
                }
                octets[octet++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && !(digits == 1 && value == 0)) {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    throw bad("IPv4 address", text);
                }
            } else {
                throw bad("IPv4 address", text); // not a digit, or a leading zero
            }
        }
        if (octet != 4) {
            throw bad("IPv4 address", text);
        }
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four bytes: never
        }
    }

    private static InetAddress ipv6(String text) throws MalformedProxyHeaderException {
        if (text.isEmpty() || text.indexOf(':') < 0) {
            throw bad("IPv6 address", text);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                throw bad("IPv6 address", text); // no brackets, zones or names: a literal only
            }
        }
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            throw bad("IPv6 address", text);
        }
    }

    private static int port(String text) throws MalformedProxyHeaderException {
        if (text.isEmpty() || text.length() > 5 || (text.length() > 1 && text.charAt(0) == '0')) {
            throw bad("port", text);
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw bad("port", text);
            }
            value = value * 10 + (c - '0');
        }
        if (value > 65535) {
            throw bad("port", text);
        }
        return value;
    }

    private static MalformedProxyHeaderException bad(String what, String text) {
        return new MalformedProxyHeaderException("PROXY v1 header with a malformed " + what + ": '" + printable(text) + "'");
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }

    // ---- v2: 12-byte signature, version/command, family/transport, length, addresses, TLVs ----

    private void parseV2(ByteBuffer in) throws MalformedProxyHeaderException {
        if (seen < V2_FIXED) {
            while (seen < V2_FIXED && in.hasRemaining()) {
                byte b = in.get();
                if (seen < V2_SIGNATURE.length && b != V2_SIGNATURE[seen]) {
                    throw new MalformedProxyHeaderException("not a PROXY v2 header: wrong signature");
                }
                held[seen++] = b;
            }
            if (seen == V2_FIXED) {
                checkV2Fixed();
            }
        } else if (seen < V2_FIXED + v2Addresses) {
            int n = Math.min(in.remaining(), V2_FIXED + v2Addresses - seen);
            in.get(held, seen, n);
            seen += n;
        } else {
            int n = Math.min(in.remaining(), v2Length - seen); // TLVs: skipped, never kept
            in.position(in.position() + n);
            seen += n;
        }
        if (v2Length != 0 && seen == v2Length) {
            header = decodeV2();
        }
    }

    private void checkV2Fixed() throws MalformedProxyHeaderException {
        int versionCommand = held[12] & 0xff;
        if (versionCommand >>> 4 != 2) {
            throw new MalformedProxyHeaderException("PROXY v2 header with version " + (versionCommand >>> 4) + " (expected 2)");
        }
        int command = versionCommand & 0x0f;
        if (command > 1) {
            throw new MalformedProxyHeaderException("PROXY v2 header with command " + command + " (expected LOCAL 0 or PROXY 1)");
        }
        int family = (held[13] & 0xff) >>> 4, transport = held[13] & 0x0f;
        int length = ((held[14] & 0xff) << 8) | (held[15] & 0xff);
        if (V2_FIXED + length > MAX_V2_BYTES) {
            throw new MalformedProxyHeaderException("PROXY v2 header of " + (V2_FIXED + length)
                    + " bytes, over this server's limit of " + MAX_V2_BYTES);
        }
        if (command == 1) { // PROXY; a LOCAL header's address block is skipped whatever it holds
            if (family > 3 || transport > 2) {
                throw new MalformedProxyHeaderException("PROXY v2 header with unknown family/transport 0x"
                        + Integer.toHexString(held[13] & 0xff));
            }
            if (family != 0 && transport != 1) {
                throw new MalformedProxyHeaderException("PROXY v2 header for a transport other than a stream (0x"
                        + Integer.toHexString(held[13] & 0xff) + ")");
            }
            int needed = switch (family) {
                case 1 -> V4_ADDRESSES;
                case 2 -> V6_ADDRESSES;
                case 3 -> 216;
                default -> 0;
            };
            if (length < needed) {
                throw new MalformedProxyHeaderException("PROXY v2 header of length " + length
                        + ", too short for its addresses (" + needed + " bytes)");
            }
            v2Addresses = family == 1 ? V4_ADDRESSES : family == 2 ? V6_ADDRESSES : 0;
        }
        v2Length = V2_FIXED + length;
    }

    private ProxyHeader decodeV2() {
        if (v2Addresses == 0) {
            return new ProxyHeader(2, null, null, seen); // LOCAL, UNSPEC or UNIX: the socket's address stands
        }
        int size = v2Addresses == V4_ADDRESSES ? 4 : 16;
        InetAddress source = address(V2_FIXED, size);
        InetAddress destination = address(V2_FIXED + size, size);
        int ports = V2_FIXED + 2 * size;
        return new ProxyHeader(2, new InetSocketAddress(source, unsigned16(ports)),
                new InetSocketAddress(destination, unsigned16(ports + 2)), seen);
    }

    private InetAddress address(int offset, int size) {
        byte[] bytes = java.util.Arrays.copyOfRange(held, offset, offset + size);
        try {
            InetAddress address = InetAddress.getByAddress(bytes);
            return address;
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes: never
        }
    }

    private int unsigned16(int offset) {
        return ((held[offset] & 0xff) << 8) | (held[offset + 1] & 0xff);
    }

}
