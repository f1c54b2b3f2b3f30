package dev.turnstile.posix;

/**
 * The classic BPF program that seals a listening socket: it drops every segment that opens a
 * connection (SYN without ACK) and lets the rest through. On a TCP socket the filter runs with the
 * packet starting at the TCP header (tcp_filter), so byte 13 holds the flags.
 *
 * <p>Only the SYN is dropped, not everything: a handshake the kernel answered just before the
 * seal still completes (its last ACK passes) and joins the accept queue, where the acceptors take
 * it; dropping that ACK would leave it half open until the close resets it. Sockets accepted
 * later inherit the filter, which never matches on an established connection. A client whose
 * SYN was dropped sends it again about a second later and, the listener closed by then, is
 * refused, which a proxy retries on another server.
 */
final class SynFilter {

    private static final int LD_B_ABS = 0x30, AND_K = 0x54, JEQ_K = 0x15, RET_K = 0x06;
    private static final int SYN = 0x02, ACK = 0x10, TCP_FLAGS = 13;

    /** ldb [13]; and #(SYN|ACK); jeq #SYN, drop, keep; drop: ret #0; keep: ret #-1. */
    static final int[][] PROGRAM = {
            {LD_B_ABS, 0, 0, TCP_FLAGS},
            {AND_K, 0, 0, SYN | ACK},
            {JEQ_K, 0, 1, SYN},
            {RET_K, 0, 0, 0},
            {RET_K, 0, 0, -1},
    };

    private SynFilter() {
    }
}
