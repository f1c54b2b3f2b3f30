package dev.turnstile.posix;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An unbuffered stream onto a private duplicate of a descriptor, such as standard output.
 *
 * <p>Why: closing a channel from {@link System#inheritedChannel()} makes the JDK point
 * descriptors 0, 1 and 2 at /dev/null (to really close the inherited socket), so a server
 * serving its standard input would lose its output and log at stop. Writing through a duplicate
 * made before that keeps them: the duplicate refers to the same pipe, file, terminal or journal
 * socket whatever becomes of descriptor 1 or 2. (Reopening {@code /proc/self/fd/1} would not do
 * under systemd: a socket cannot be reopened by path.)
 *
 * <p>Thread-safety: each {@link #write} is one or more write(2) calls with no state of its own;
 * callers that need lines kept whole serialize, as {@link java.io.PrintStream} does.
 */
public final class DescriptorOutput extends OutputStream {

    private final int fd;

    private DescriptorOutput(int fd) {
        this.fd = fd;
    }

    /** A stream onto a close-on-exec duplicate of {@code fd}, taken now. */
    public static DescriptorOutput duplicateOf(int fd) throws IOException {
        Posix.requireSupported();
        return new DescriptorOutput(Libc.duplicate(fd));
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(len);
            MemorySegment.copy(b, off, data, ValueLayout.JAVA_BYTE, 0, len);
            Libc.writeFully(fd, data);
        }
    }

    @Override
    public void close() {
        Posix.closeQuietly(fd);
    }
}
