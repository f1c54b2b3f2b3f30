package dev.turnstile.loadgen;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code --source-addresses}: loopback addresses that connections bind to round-robin
 * before connecting, so that more connections fit than one address's ephemeral port range
 * (about 28,000 on Linux) allows. Accepts a range {@code 127.0.0.1-127.0.0.20}, a list
 * {@code 127.0.0.1,127.0.0.2}, or a mix; IPv6 has only ::1, so ranges are IPv4.
 */
public final class SourceAddresses {

    /** More addresses than this add nothing but memory: 1,024 × 28,000 ports is far past any fd limit. */
    public static final int MAX_ADDRESSES = 1024;

    private SourceAddresses() {
    }

    /** The addresses {@code spec} names, in order; an error names the bad part. */
    public static List<InetAddress> parse(String spec) {
        List<InetAddress> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("source addresses: empty entry in '" + spec + "'");
            }
            int dash = p.indexOf('-');
            if (dash < 0) {
                out.add(LoopbackAddress.parse("source address", p));
            } else {
                addRange(p.substring(0, dash), p.substring(dash + 1), out);
            }
            if (out.size() > MAX_ADDRESSES) {
                throw new IllegalArgumentException("source addresses: at most " + MAX_ADDRESSES
                        + " addresses (got more in '" + spec + "')");
            }
        }
        return List.copyOf(out);
    }

    private static void addRange(String fromText, String toText, List<InetAddress> out) {
        InetAddress from = LoopbackAddress.parse("source address", fromText);
        InetAddress to = LoopbackAddress.parse("source address", toText);
        if (!(from instanceof Inet4Address) || !(to instanceof Inet4Address)) {
            throw new IllegalArgumentException("source addresses: a range needs IPv4 ends (got '"
                    + fromText + "-" + toText + "')");
        }
        long first = Integer.toUnsignedLong(ByteBuffer.wrap(from.getAddress()).getInt());
        long last = Integer.toUnsignedLong(ByteBuffer.wrap(to.getAddress()).getInt());
        if (last < first) {
            throw new IllegalArgumentException("source addresses: range end " + toText.strip()
                    + " is below its start " + fromText.strip());
        }
        if (last - first + 1 > MAX_ADDRESSES) {
            throw new IllegalArgumentException("source addresses: at most " + MAX_ADDRESSES
                    + " addresses (got " + (last - first + 1) + " in '" + fromText + "-" + toText + "')");
        }
        for (long a = first; a <= last; a++) {
            try {
                out.add(InetAddress.getByAddress(ByteBuffer.allocate(4).putInt((int) a).array()));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("4 bytes are always an address", e);
            }
        }
    }
}
