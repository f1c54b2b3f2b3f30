package dev.turnstile.loadgen;

import dev.turnstile.api.Framing;
import dev.turnstile.posix.ClientSockets;

import java.nio.ByteBuffer;

/**
 * A loop's messages and expected replies, laid out once in two direct buffers, so that sending is
 * a write straight from the slab and checking is a vectorised compare against it: no copy and no
 * allocation per message.
 *
 * <p><b>Thread-safety.</b> None: the methods move the slab buffers' position and limit, so each
 * loop has its own slab and uses one returned view before asking for the next.
 */
final class MessageSlab {

    private final ByteBuffer requests;  // loop thread only
    private final long requestsAddress; // its native address
    private final ByteBuffer expected;  // loop thread only
    private final int[] requestStart;
    private final int[] requestLength;
    private final int[] expectedStart;
    private final int[] expectedLength;

    MessageSlab(MessageSet set, Framing framing) {
        int n = set.count();
        requestStart = new int[n];
        requestLength = new int[n];
        expectedStart = new int[n];
        expectedLength = new int[n];
        byte[][] req = new byte[n][];
        byte[][] exp = new byte[n][];
        int reqTotal = 0;
        int expTotal = 0;
        for (int i = 0; i < n; i++) {
            req[i] = set.request(i, framing);
            exp[i] = set.expectedReply(i, framing);
            if (exp[i].length == 0) {
                throw new IllegalArgumentException("message " + i + " has an empty reply under raw framing: "
                        + "the server would send nothing");
            }
            reqTotal += req[i].length;
            expTotal += exp[i].length;
        }
        requests = ByteBuffer.allocateDirect(reqTotal);
        expected = ByteBuffer.allocateDirect(expTotal);
        for (int i = 0; i < n; i++) {
            requestStart[i] = requests.position();
            requestLength[i] = req[i].length;
            requests.put(req[i]);
            expectedStart[i] = expected.position();
            expectedLength[i] = exp[i].length;
            expected.put(exp[i]);
        }
        requestsAddress = ClientSockets.addressOf(requests);
    }

    int count() {
        return requestStart.length;
    }

    int requestLength(int message) {
        return requestLength[message];
    }

    int expectedLength(int message) {
        return expectedLength[message];
    }

    /** The unsent rest of {@code message}'s request, from byte {@code from}: valid until the next call. */
    ByteBuffer request(int message, int from) {
        int start = requestStart[message];
        requests.limit(start + requestLength[message]).position(start + from);
        return requests;
    }

    /** The native address of {@code message}'s request from byte {@code from}, for a send by address. */
    long requestAddress(int message, int from) {
        return requestsAddress + requestStart[message] + from;
    }

    /**
     * Whether {@code received} (position to limit) equals {@code message}'s expected reply from
     * byte {@code from} on. A reply longer than expected does not match.
     */
    boolean matches(int message, int from, ByteBuffer received) {
        int n = received.remaining();
        if (from + n > expectedLength[message]) {
            return false;
        }
        int start = expectedStart[message] + from;
        expected.limit(start + n).position(start);
        return expected.mismatch(received) < 0;
    }
}
