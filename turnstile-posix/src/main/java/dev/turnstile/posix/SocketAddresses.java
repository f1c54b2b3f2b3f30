package dev.turnstile.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Converts between {@link InetSocketAddress} and {@code sockaddr_in} / {@code sockaddr_in6}:
 * the family in host order, the port and address in network order. Stateless.
 */
final class SocketAddresses {

    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long IN_BYTES = 16, IN6_BYTES = 28;

    private SocketAddresses() {
    }

    static int family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address ? Libc.AF_INET6 : Libc.AF_INET;
    }

    static MemorySegment encode(InetSocketAddress address, Arena arena) {
        InetAddress ip = address.getAddress();
        if (ip instanceof Inet4Address) {
            MemorySegment s = arena.allocate(IN_BYTES, 4);
            s.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
            s.set(PORT, 2, (short) address.getPort());
            MemorySegment.copy(ip.getAddress(), 0, s, ValueLayout.JAVA_BYTE, 4, 4);
            return s;
        }
        MemorySegment s = arena.allocate(IN6_BYTES, 4);
        s.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET6);
        s.set(PORT, 2, (short) address.getPort());
        MemorySegment.copy(ip.getAddress(), 0, s, ValueLayout.JAVA_BYTE, 8, 16);
        if (ip instanceof Inet6Address v6) {
            s.set(ValueLayout.JAVA_INT_UNALIGNED, 24, v6.getScopeId());
        }
        return s;
    }

    /** Reads a sockaddr_storage filled by accept4 or getsockname. */
    static InetSocketAddress decode(MemorySegment s) {
        int family = s.get(ValueLayout.JAVA_SHORT, 0);
        int port = Short.toUnsignedInt(s.get(PORT, 2));
        try {
            if (family == Libc.AF_INET) {
                return new InetSocketAddress(InetAddress.getByAddress(s.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE)), port);
            }
            if (family == Libc.AF_INET6) {
                byte[] ip = s.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
                int scope = s.get(ValueLayout.JAVA_INT_UNALIGNED, 24);
                InetAddress address = scope == 0 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, scope);
                return new InetSocketAddress(address, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("kernel returned a malformed address", e);
        }
        return new InetSocketAddress("0.0.0.0", 0); // an address family we never create (AF_UNIX and such)
    }
}
