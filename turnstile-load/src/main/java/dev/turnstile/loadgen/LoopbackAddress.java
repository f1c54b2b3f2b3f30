package dev.turnstile.loadgen;

import java.net.InetAddress;

/**
 * The single check that keeps the load generator on this machine: an address is accepted only if
 * it is in 127.0.0.0/8 or is ::1. Only address literals and {@code localhost} are understood;
 * any other name is refused without a lookup, so a typo never sends a DNS query off the machine.
 */
public final class LoopbackAddress {

    private LoopbackAddress() {
    }

    /**
     * Parses {@code text} as a loopback address.
     *
     * @param knob the option being parsed, named in the error ("host", "source address")
     * @throws IllegalArgumentException if {@code text} is not a loopback literal or {@code localhost}
     */
    public static InetAddress parse(String knob, String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase("localhost")) {
            return InetAddress.getLoopbackAddress();
        }
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(t);
        } catch (IllegalArgumentException e) {
            throw refused(knob, text);
        }
        return require(knob, address);
    }

    /** Returns {@code address} if it is loopback, or throws naming {@code knob}. */
    public static InetAddress require(String knob, InetAddress address) {
        if (!address.isLoopbackAddress()) {
            throw refused(knob, address.getHostAddress());
        }
        return address;
    }

    private static IllegalArgumentException refused(String knob, String text) {
        return new IllegalArgumentException(knob + " must be a loopback address (127.0.0.0/8 or ::1), got '"
                + text + "': turnstile load only talks to this machine");
    }
}
