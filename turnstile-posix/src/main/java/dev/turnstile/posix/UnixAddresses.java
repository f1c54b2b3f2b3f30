package dev.turnstile.posix;

import java.nio.charset.StandardCharsets;

/**
 * Encodes a {@code sockaddr_un}: the family (host order), then the path and its NUL, or for an
 * abstract name ('@' first, as systemd writes it) a NUL and the name with no terminator. The
 * result is exactly as long as the address, which is what bind and sendto want. Stateless.
 */
final class UnixAddresses {

    /** sun_path's size on Linux. */
    private static final int PATH_BYTES = 108;

    private UnixAddresses() {
    }

    static byte[] encode(String target) {
        boolean abstractName = target.startsWith("@");
        if (!abstractName && !target.startsWith("/")) {
            throw new IllegalArgumentException("a unix socket address is an absolute path or '@' and a name (got '"
                    + target + "')");
        }
        byte[] name = (abstractName ? target.substring(1) : target).getBytes(StandardCharsets.UTF_8);
        int pathBytes = name.length + 1; // the path's NUL, or the abstract name's leading NUL
        if (pathBytes > PATH_BYTES) {
            throw new IllegalArgumentException("unix socket address too long (" + name.length + " bytes, at most "
                    + (PATH_BYTES - 1) + "): " + target);
        }
        byte[] address = new byte[2 + pathBytes];
        address[0] = (byte) Libc.AF_UNIX; // little-endian short on x86_64 and aarch64
        address[1] = 0;
        System.arraycopy(name, 0, address, abstractName ? 3 : 2, name.length);
        return address; // the NUL is already there: at 2 for an abstract name, at the end for a path
    }
}
