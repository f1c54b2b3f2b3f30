package dev.turnstile.examples.resp;

import java.nio.ByteBuffer;

/**
 * Integers as Redis writes and reads them in values and arguments: decimal ASCII, an optional
 * minus, no plus, no spaces, no leading zeros, within a signed 64-bit long. Anything else is not
 * an integer ({@code ERR value is not an integer or out of range}), as Redis' {@code string2ll}.
 */
final class Decimal {

    private static final int MAX_DIGITS = 20; // "-9223372036854775808"

    private Decimal() {
    }

    /** The integer in {@code bytes[from, from + length)}. */
    static long parse(ByteBuffer bytes, int from, int length) {
        if (length == 0 || length > MAX_DIGITS) {
            throw RespError.notAnInteger();
        }
        int i = from;
        int end = from + length;
        boolean negative = bytes.get(i) == '-';
        if (negative && ++i == end) {
            throw RespError.notAnInteger();
        }
        if (bytes.get(i) == '0') {
            if (i + 1 == end && !negative) {
                return 0;
            }
            throw RespError.notAnInteger(); // "007", "-0"
        }
        long value = 0; // accumulated negatively: the range of negatives is one larger
        for (; i < end; i++) {
            int digit = bytes.get(i) - '0';
            if (digit < 0 || digit > 9 || value < (Long.MIN_VALUE + digit) / 10) {
                throw RespError.notAnInteger();
            }
            value = value * 10 - digit;
        }
        if (!negative && value == Long.MIN_VALUE) {
            throw RespError.notAnInteger();
        }
        return negative ? value : -value;
    }

    static long parse(byte[] bytes) {
        return parse(ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    /** {@code value} as decimal ASCII. */
    static byte[] toBytes(long value) {
        byte[] bytes = new byte[length(value)];
        write(value, ByteBuffer.wrap(bytes));
        return bytes;
    }

    /** Appends {@code value} as decimal ASCII to {@code out}, without allocating. */
    static void write(long value, ByteBuffer out) {
        int start = out.position();
        int end = start + length(value);
        int firstDigit = start;
        if (value < 0) {
            out.put(start, (byte) '-');
            firstDigit++;
        }
        long rest = value;
        for (int at = end - 1; at >= firstDigit; at--) {
            out.put(at, (byte) ('0' + Math.abs(rest % 10)));
            rest /= 10;
        }
        out.position(end);
    }

    /** How many characters {@code value} takes in decimal, with its minus. */
    static int length(long value) {
        int length = value < 0 ? 2 : 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            length++;
        }
        return length;
    }
}
