package dev.turnstile.posix;

import java.io.IOException;

/**
 * A libc call failed. The message names the call and gives the errno text, as {@code strerror}
 * spells it: {@code "accept4: Too many open files (errno 24)"}.
 */
public final class PosixException extends IOException {

    private static final long serialVersionUID = 1L;

    /** errno values the callers act on; the same on x86_64 and aarch64 Linux. */
    public static final int EINTR = 4, EAGAIN = 11, EBADF = 9, EADDRINUSE = 98;

    private final String call;
    private final int errno;

    public PosixException(String call, int errno) {
        super(call + ": " + Libc.strerror(errno) + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The libc function that failed, such as {@code accept4}. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
