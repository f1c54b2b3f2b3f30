package dev.turnstile.posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The spare's end of a {@link HandOffLine}, on its standard input: it says it is ready
 * ({@link #announceReady}), then waits for its connection ({@link #awaitConnection}) and moves it
 * onto descriptors 0 and 1. It links only the four libc functions it calls (recvmsg, dup2,
 * close, write), not the whole of {@link Libc}: each downcall handle costs a fresh JVM
 * milliseconds of CPU to make, and a spare's start is what limits how fast spares are refilled.
 *
 * <p>For the spare's one waiting thread; stateless.
 */
public final class HandOffReceiver {

    private static final byte READY = 'R';
    private static final int MSG_DONTWAIT = 0x40, MSG_PEEK = 0x2, MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int EINTR = 4, EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle RECVMSG = withErrno("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle DUP2 = withErrno("dup2", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle CLOSE = withErrno("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle WRITE = withErrno("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);

    private HandOffReceiver() {
    }

    /**
     * Says "ready" to the master, once, having first made each native call that
     * {@link #awaitConnection} makes, so that none costs its first-use price when the connection comes.
     */
    public static void announceReady() throws IOException {
        receive(false);      // a look that takes nothing
        dup2(2, 2);          // a no-op, as the moves onto 0 and 1 will be
        close(-1);           // EBADF, ignored
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment ready = arena.allocateFrom(JAVA_BYTE, READY);
            while ((long) WRITE.invokeExact(state, 0, ready, 1L) < 0) {
                if (errno(state) != EINTR) {
                    throw new PosixException("write", errno(state));
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Waits for the connection and makes it descriptors 0 and 1, which closes the line. False if
     * the master closed the line first: the spare is not needed.
     *
     * @throws IOException if the line broke, or carried no descriptor
     */
    public static boolean awaitConnection() throws IOException {
        int fd = receive(true);
        if (fd == END_OF_STREAM) {
            return false;
        }
        if (fd < 0) {
            throw new IOException("the master's hand-off carried no connection");
        }
        dup2(fd, 0);
        dup2(fd, 1);
        close(fd);
        return true;
    }

    private static final int NO_DESCRIPTOR = -1, END_OF_STREAM = -2, NOTHING_YET = -3;

    /**
     * recvmsg(2) on descriptor 0 of one byte and at most one descriptor (SCM_RIGHTS, installed
     * close-on-exec). Not waiting: MSG_DONTWAIT and MSG_PEEK with no room for descriptors, so it
     * only looks and installs nothing. Returns the descriptor, or one of the negative constants.
     */
    private static int receive(boolean wait) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment data = arena.allocate(1);
            MemorySegment iov = arena.allocate(Libc.IOVEC_BYTES, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, 1L);
            MemorySegment control = arena.allocate(Libc.CMSG_SPACE_ONE_FD, 8);
            MemorySegment message = arena.allocate(Libc.MSGHDR_BYTES, 8);
            message.set(ADDRESS, Libc.MSG_IOV, iov);
            message.set(JAVA_LONG, Libc.MSG_IOVLEN, 1L);
            if (wait) {
                message.set(ADDRESS, Libc.MSG_CONTROL, control);
                message.set(JAVA_LONG, Libc.MSG_CONTROLLEN, Libc.CMSG_SPACE_ONE_FD);
            }
            int flags = wait ? MSG_CMSG_CLOEXEC : MSG_DONTWAIT | MSG_PEEK;
            while (true) {
                long r = (long) RECVMSG.invokeExact(state, 0, message, flags);
                if (r > 0) {
                    if (wait && message.get(JAVA_LONG, Libc.MSG_CONTROLLEN) >= Libc.CMSG_LEN_ONE_FD
                            && control.get(JAVA_INT, Libc.CMSG_LEVEL) == 1 /* SOL_SOCKET */
                            && control.get(JAVA_INT, Libc.CMSG_TYPE) == 1 /* SCM_RIGHTS */) {
                        return control.get(JAVA_INT, Libc.CMSG_DATA);
                    }
                    return NO_DESCRIPTOR;
                }
                if (r == 0) {
                    return END_OF_STREAM;
                }
                int errno = errno(state);
                if (errno == EAGAIN && !wait) {
                    return NOTHING_YET;
                }
                if (errno != EINTR) {
                    throw new PosixException("recvmsg", errno);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void dup2(int source, int target) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while ((int) DUP2.invokeExact(state, source, target) < 0) {
                if (errno(state) != EINTR) {
                    throw new PosixException("dup2", errno(state));
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** close(2), errors ignored: the descriptor is released either way on Linux. */
    private static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int ignored = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            if (t instanceof Error e) {
                throw e;
            }
            // EBADF or EIO: nothing to do, the descriptor is gone either way
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** As in {@link Libc}: our own exception is returned to be thrown, the rest rethrown. */
    private static PosixException rethrow(Throwable t) {
        if (t instanceof PosixException p) {
            return p;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }

    private static MethodHandle withErrno(String name, MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name)
                        .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name)),
                FunctionDescriptor.of(result, args), Linker.Option.captureCallState("errno"));
    }
}
