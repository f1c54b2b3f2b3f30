package dev.turnstile.api;

import java.nio.ByteBuffer;

/** Where framed reply bytes are appended, in order. Implemented by each connection's driver. */
public interface Outbound {

    /** Appends the bytes from {@code position()} to {@code limit()}, advancing the position. */
    void put(ByteBuffer bytes);

    /** Appends one byte. */
    void put(byte b);

    /** Bytes appended and not yet written to the socket. */
    int pending();
}
