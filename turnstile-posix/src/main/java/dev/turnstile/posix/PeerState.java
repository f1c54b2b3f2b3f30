package dev.turnstile.posix;

/**
 * What a look at an accepted connection, without reading it, says of its peer: still there (it
 * sent bytes that wait unread, or nothing yet), gone with an orderly close (end of stream and
 * nothing unread), or gone with a reset. See {@link AcceptedSocket#peerState()}.
 */
public enum PeerState {
    /** Bytes wait unread: the peer has spoken (it may have closed its side after). */
    SENT,
    /** Nothing has arrived yet, no end of stream either: the peer may be waiting to be spoken to. */
    SILENT,
    /** The peer closed (FIN) without sending anything: no one is left to answer. */
    CLOSED,
    /** The peer reset the connection (RST), or it failed otherwise. */
    RESET;

    /** True while someone may be at the other end: {@link #SENT} or {@link #SILENT}. */
    public boolean present() {
        return this == SENT || this == SILENT;
    }
}
