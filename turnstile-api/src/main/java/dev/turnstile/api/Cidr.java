package dev.turnstile.api;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A block of addresses written {@code address/prefix} ({@code 10.0.0.0/8}, {@code ::1/128}); a bare
 * address is a block of one. Parsed from literals only, so reading a configuration never asks DNS.
 * An IPv4 block holds only IPv4 addresses and an IPv6 block only IPv6 ones (the JDK reports an
 * IPv4-mapped peer on a dual-stack socket as IPv4, so an IPv4 block covers it).
 *
 * @param network the first address of the block (bits past the prefix are zero)
 * @param prefix  the number of leading bits that must match: 0 to 32 for IPv4, 0 to 128 for IPv6
 */
public record Cidr(InetAddress network, int prefix) {

    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix must be between 0 and " + bits + " for " + network.getHostAddress()
                    + " (got " + prefix + ")");
        }
        network = masked(network, prefix);
    }

    /** Parses {@code address[/prefix]}; throws {@link IllegalArgumentException} naming the text if it is not one. */
    public static Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        InetAddress network;
        try {
            network = InetAddress.ofLiteral(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an address block: '" + text + "' (expected an IP literal with an optional /prefix)");
        }
        int bits = network.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an address block: '" + text + "' (the prefix is not a number)");
            }
        }
        return new Cidr(network, prefix);
    }

    /** True if {@code address} lies in this block. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }

    private static InetAddress masked(InetAddress address, int prefix) {
        byte[] bytes = address.getAddress();
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes: never
        }
    }
}
