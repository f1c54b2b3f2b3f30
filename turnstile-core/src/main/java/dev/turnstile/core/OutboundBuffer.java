package dev.turnstile.core;

import dev.turnstile.api.Outbound;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A connection's queue of framed reply bytes not yet written: one growable buffer, kept in
 * write mode between calls. Grows by doubling; {@link #release} gives a large buffer back after a
 * burst so one big reply does not pin memory for the connection's life. Not thread-safe: owned
 * by the connection's driver.
 */
public final class OutboundBuffer implements Outbound {

    private final int initialCapacity;
    private ByteBuffer buffer; // write mode: [0, position) holds pending bytes

    public OutboundBuffer(int initialCapacity) {
        this.initialCapacity = initialCapacity;
        this.buffer = ByteBuffer.allocate(initialCapacity);
    }

    @Override
    public void put(ByteBuffer bytes) {
        ensure(bytes.remaining());
        buffer.put(bytes);
    }

    @Override
    public void put(byte b) {
        ensure(1);
        buffer.put(b);
    }

    @Override
    public int pending() {
        return buffer.position();
    }

    /** One write of as much as the channel takes now; returns the bytes written. */
    public int writeOnce(WritableByteChannel channel) throws IOException {
        buffer.flip();
        try {
            return channel.write(buffer);
        } finally {
            buffer.compact();
        }
    }

    /**
     * Writes everything pending to a blocking channel in slices of at most {@code sliceBytes},
     * running {@code beforeSlice} before each, so that a watcher can tell a slow peer that still
     * takes bytes from one that takes none. Returns the bytes written; on failure the unwritten
     * bytes stay pending.
     */
    public int writeAll(WritableByteChannel channel, int sliceBytes, Runnable beforeSlice) throws IOException {
        int total = 0;
        buffer.flip();
        int end = buffer.limit();
        try {
            while (buffer.position() < end) {
                buffer.limit(Math.min(end, buffer.position() + sliceBytes));
                beforeSlice.run();
                while (buffer.hasRemaining()) {
                    total += channel.write(buffer);
                }
            }
        } finally {
            buffer.limit(end);
            buffer.compact();
        }
        return total;
    }

    /** Writes everything pending to a blocking channel; returns the bytes written. */
    public int writeAll(WritableByteChannel channel) throws IOException {
        int total = 0;
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                total += channel.write(buffer);
            }
        } finally {
            buffer.compact();
        }
        return total;
    }

    /** Moves every pending byte to the end of {@code out}, in order; this buffer is left empty. */
    public void transferTo(Outbound out) {
        buffer.flip();
        try {
            out.put(buffer);
        } finally {
            buffer.clear();
        }
    }

    /** Shrinks back to the initial capacity when empty and grown. */
    public void release() {
        if (buffer.position() == 0 && buffer.capacity() > initialCapacity) {
            buffer = ByteBuffer.allocate(initialCapacity);
        }
    }

    private void ensure(int more) {
        if (buffer.remaining() < more) {
            int needed = buffer.position() + more;
            int capacity = Math.max(buffer.capacity() * 2, needed);
            ByteBuffer bigger = ByteBuffer.allocate(capacity);
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
    }
}
