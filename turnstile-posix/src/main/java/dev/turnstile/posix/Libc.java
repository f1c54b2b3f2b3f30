package dev.turnstile.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Downcall handles for the libc functions turnstile uses, looked up once in the C library the
 * JVM already loaded ({@link Linker#defaultLookup()}). Each wrapper returns the call's result
 * and throws {@link PosixException} with the errno text when the call fails, so callers never
 * see -1 or errno.
 *
 * <p>Constants are the Linux values, which are the same on x86_64 and aarch64 for every name
 * used here. Opaque glibc types ({@code posix_spawn_file_actions_t}, {@code posix_spawnattr_t},
 * {@code sigset_t}) are given more room than glibc needs on either architecture and are only
 * touched through glibc's own functions.
 *
 * <p>Thread-safe: the handles are immutable; errno is captured per call into call-local memory.
 */
final class Libc {

    // socket(2) and friends
    static final int AF_INET = 2, AF_INET6 = 10, SOCK_STREAM = 1, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_REUSEPORT = 15;
    // recv(2) flags
    static final int MSG_PEEK = 0x2, MSG_DONTWAIT = 0x40;
    // posix_spawnattr_setflags(3)
    static final short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;
    // waitpid(2), eventfd(2), poll(2), fcntl(2)
    static final int WNOHANG = 1, EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;
    static final short POLLIN = 1;
    static final int F_SETFD = 2, FD_CLOEXEC = 1, F_GETFL = 3, F_SETFL = 4, O_NONBLOCK = 0x800, F_DUPFD_CLOEXEC = 1030;
    static final int AF_UNIX = 1, SOCK_DGRAM = 2, SO_TYPE = 3, SO_ACCEPTCONN = 30, MSG_NOSIGNAL = 0x4000;
    static final int SCM_RIGHTS = 1;
    static final long SYS_PIDFD_OPEN = 434; // the same number on every architecture since Linux 5.3
    // epoll(7), connect(2), TCP options
    static final int EPOLL_CLOEXEC = 0x80000, EPOLL_CTL_ADD = 1, EPOLL_CTL_MOD = 3;
    static final int EPOLLIN = 0x1, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10;
    static final int IPPROTO_TCP = 6, TCP_NODELAY = 1, SO_ERROR = 4, EINPROGRESS = 115;
    /** struct epoll_event: uint32_t events, then uint64_t data; packed on x86_64 only. */
    static final boolean EPOLL_PACKED = System.getProperty("os.arch").matches("amd64|x86_64");
    static final long EPOLL_EVENT_BYTES = EPOLL_PACKED ? 12 : 16, EPOLL_DATA_OFFSET = EPOLL_PACKED ? 4 : 8;

    /** Room for opaque glibc structs: file actions are 80 bytes, spawn attributes 336, sigset_t 128. */
    static final long OPAQUE_BYTES = 1024;
    static final long SOCKADDR_STORAGE = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET = withErrno("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle SETSOCKOPT = withErrno("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle BIND = withErrno("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle LISTEN = withErrno("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACCEPT4 = withErrno("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKNAME = withErrno("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle CLOSE = withErrno("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle DUP2 = withErrno("dup2", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle GETSOCKOPT = withErrno("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SENDTO = withErrno("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle READ = withErrno("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle RECV = withErrno("recv", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle WRITE = withErrno("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle FCNTL = withErrno("fcntl", 2, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle WAITPID = withErrno("waitpid", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle KILL = withErrno("kill", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle GETPID = plain("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPPID = plain("getppid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SYSCALL_2 = withErrno("syscall", 1, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle EVENTFD = withErrno("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle POLL = withErrno("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle SOCKETPAIR = withErrno("socketpair", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle SENDMSG = withErrno("sendmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle CONNECT = withErrno("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle EPOLL_CREATE1 = withErrno("epoll_create1", JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_CTL = withErrno("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle EPOLL_WAIT = withErrno("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    // A non-blocking socket's read and send return within microseconds: critical (no thread-state
    // transition), the buffer given as a native address, errno into the caller's own state segment.
    private static final MethodHandle READ_NOW = critical("read", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle SEND_NOW = critical("send", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT);
    private static final MethodHandle STRERROR = plain("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    // posix_spawn(3) returns an error number instead of setting errno
    private static final MethodHandle POSIX_SPAWN = plain("posix_spawn",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle POSIX_SPAWNP = plain("posix_spawnp",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FA_INIT = plain("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_DESTROY = plain("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_ADDDUP2 = plain("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    /** glibc 2.34 and later; absent before, and then every inherited descriptor is marked close-on-exec instead. */
    private static final Optional<MethodHandle> FA_ADDCLOSEFROM = optional("posix_spawn_file_actions_addclosefrom_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ATTR_INIT = plain("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTR_DESTROY = plain("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTR_SETFLAGS = plain("posix_spawnattr_setflags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    private static final MethodHandle ATTR_SETSIGMASK = plain("posix_spawnattr_setsigmask", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle ATTR_SETSIGDEFAULT = plain("posix_spawnattr_setsigdefault", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGEMPTYSET = plain("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SIGFILLSET = plain("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private Libc() {
    }

    // ---- sockets

    static int socket(int family, int type) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return check("socket", state, (int) SOCKET.invokeExact(state, family, type, 0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void setIntOption(int fd, int level, int option, int value) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            check("setsockopt", state, (int) SETSOCKOPT.invokeExact(state, fd, level, option, v, (int) JAVA_INT.byteSize()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void bind(int fd, MemorySegment address) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            check("bind", state, (int) BIND.invokeExact(state, fd, address, (int) address.byteSize()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void listen(int fd, int backlog) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            check("listen", state, (int) LISTEN.invokeExact(state, fd, backlog));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * accept4 on {@code fd}, filling {@code peer} (a sockaddr_storage). Returns the new descriptor,
     * or -1 if the listener is non-blocking and nothing is pending (EAGAIN). EINTR is retried.
     */
    static int accept4(int fd, MemorySegment peer, int flags) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment length = arena.allocate(JAVA_INT);
            while (true) {
                length.set(JAVA_INT, 0, (int) peer.byteSize());
                int r = (int) ACCEPT4.invokeExact(state, fd, peer, length, flags);
                if (r >= 0) {
                    return r;
                }
                int errno = errno(state);
                if (errno == PosixException.EAGAIN) {
                    return -1;
                }
                if (errno != PosixException.EINTR) {
                    throw new PosixException("accept4", errno);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * recv(2) of at most one byte with MSG_PEEK | MSG_DONTWAIT: the byte stays queued for whoever
     * reads the socket later. Returns 1 if a byte waits, 0 at end of stream, -1 if nothing has
     * arrived yet (EAGAIN); EINTR is retried; any other error (ECONNRESET...) is thrown.
     */
    static int peekByte(int fd) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment one = arena.allocate(1);
            while (true) {
                long r = (long) RECV.invokeExact(state, fd, one, 1L, MSG_PEEK | MSG_DONTWAIT);
                if (r >= 0) {
                    return (int) r;
                }
                int errno = errno(state);
                if (errno == PosixException.EAGAIN) {
                    return -1;
                }
                if (errno != PosixException.EINTR) {
                    throw new PosixException("recv", errno);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void getsockname(int fd, MemorySegment address) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) address.byteSize());
            check("getsockname", state, (int) GETSOCKNAME.invokeExact(state, fd, address, length));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** close(2). On Linux the descriptor is released even when close reports EINTR, so that is not retried. */
    static void close(int fd) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r = (int) CLOSE.invokeExact(state, fd);
            if (r < 0 && errno(state) != PosixException.EINTR) {
                throw new PosixException("close", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void setCloseOnExec(int fd) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            check("fcntl", state, (int) FCNTL.invokeExact(state, fd, F_SETFD, FD_CLOEXEC));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** dup2(2): makes {@code target} a copy of {@code source} (not close-on-exec), closing what {@code target} was. */
    static void dup2(int source, int target) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                int r = (int) DUP2.invokeExact(state, source, target);
                if (r >= 0) {
                    return;
                }
                if (errno(state) != PosixException.EINTR) {
                    throw new PosixException("dup2", errno(state));
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A new close-on-exec descriptor (3 or above) for what {@code fd} refers to. */
    static int duplicate(int fd) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return check("fcntl", state, (int) FCNTL.invokeExact(state, fd, F_DUPFD_CLOEXEC, 3));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** write(2) of all of {@code data}, retrying partial writes and EINTR. */
    static void writeFully(int fd, MemorySegment data) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long offset = 0;
            while (offset < data.byteSize()) {
                long r = (long) WRITE.invokeExact(state, fd, data.asSlice(offset), data.byteSize() - offset);
                if (r >= 0) {
                    offset += r;
                } else if (errno(state) != PosixException.EINTR) {
                    throw new PosixException("write", errno(state));
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getIntOption(int fd, int level, int option) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) JAVA_INT.byteSize());
            check("getsockopt", state, (int) GETSOCKOPT.invokeExact(state, fd, level, option, v, length));
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** SO_ATTACH_FILTER, which is also SO_GET_FILTER: a classic BPF program run on every packet the socket receives. */
    static final int SO_ATTACH_FILTER = 26;
    /** struct sock_filter: u16 code, u8 jt, u8 jf, u32 k. */
    private static final long SOCK_FILTER_BYTES = 8;
    /** struct sock_fprog: u16 len, then (aligned) a pointer to the instructions. */
    private static final long SOCK_FPROG_BYTES = 16;

    /**
     * Attaches a classic BPF socket filter (SO_ATTACH_FILTER) to {@code fd}, replacing any other.
     * Each instruction is {code, jt, jf, k}.
     */
    static void attachFilter(int fd, int[][] program) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment code = arena.allocate(SOCK_FILTER_BYTES * program.length, 8);
            for (int i = 0; i < program.length; i++) {
                long at = i * SOCK_FILTER_BYTES;
                code.set(JAVA_SHORT, at, (short) program[i][0]);
                code.set(JAVA_BYTE, at + 2, (byte) program[i][1]);
                code.set(JAVA_BYTE, at + 3, (byte) program[i][2]);
                code.set(JAVA_INT, at + 4, program[i][3]);
            }
            MemorySegment fprog = arena.allocate(SOCK_FPROG_BYTES, 8);
            fprog.set(JAVA_SHORT, 0, (short) program.length);
            fprog.set(ADDRESS, 8, code);
            check("setsockopt(SO_ATTACH_FILTER)", state,
                    (int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_ATTACH_FILTER, fprog, (int) SOCK_FPROG_BYTES));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** How many instructions the socket filter on {@code fd} has (SO_GET_FILTER with no room): 0 for none. */
    static int filterLength(int fd) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment length = arena.allocateFrom(JAVA_INT, 0);
            check("getsockopt(SO_GET_FILTER)", state,
                    (int) GETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_ATTACH_FILTER, MemorySegment.NULL, length));
            return length.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** True if {@code fd} is readable now (poll with no wait): for a listening socket, a connection is queued. */
    static boolean readableNow(int fd) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = arena.allocate(POLLFD_BYTES, 4);
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, POLLIN);
            return poll(pollfd, 1, 0) > 0 && (pollfd.get(JAVA_SHORT, 6) & POLLIN) != 0;
        }
    }

    /** Sets or clears O_NONBLOCK, keeping the other status flags. */
    static void setNonBlocking(int fd, boolean nonBlocking) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int flags = check("fcntl", state, (int) FCNTL.invokeExact(state, fd, F_GETFL, 0));
            int wanted = nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
            if (wanted != flags) {
                check("fcntl", state, (int) FCNTL.invokeExact(state, fd, F_SETFL, wanted));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sendto(2) of all of {@code data} as one datagram to {@code address}; EINTR is retried. */
    static void sendto(int fd, MemorySegment data, MemorySegment address, int addressLength) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                long r = (long) SENDTO.invokeExact(state, fd, data, data.byteSize(), MSG_NOSIGNAL, address, addressLength);
                if (r >= 0) {
                    return;
                }
                if (errno(state) != PosixException.EINTR) {
                    throw new PosixException("sendto", errno(state));
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * recv(2) into {@code buffer} without waiting: the byte count, or -1 if nothing is queued
     * (EAGAIN); EINTR is retried.
     */
    static long receiveNow(int fd, MemorySegment buffer) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                long r = (long) RECV.invokeExact(state, fd, buffer, buffer.byteSize(), MSG_DONTWAIT);
                if (r >= 0) {
                    return r;
                }
                int errno = errno(state);
                if (errno == PosixException.EAGAIN) {
                    return -1;
                }
                if (errno != PosixException.EINTR) {
                    throw new PosixException("recv", errno);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- descriptor passing: msghdr, iovec and cmsghdr as laid out on 64-bit Linux (x86_64 and aarch64)

    /** struct msghdr: name, namelen, iov, iovlen, control, controllen, flags; 56 bytes. */
    static final long MSGHDR_BYTES = 56, MSG_IOV = 16, MSG_IOVLEN = 24, MSG_CONTROL = 32,
            MSG_CONTROLLEN = 40, MSG_FLAGS = 48;
    /** struct iovec: base, len. */
    static final long IOVEC_BYTES = 16;
    /** CMSG_SPACE(sizeof(int)) = 24: a 16-byte cmsghdr (len, level, type), the int, padding; CMSG_LEN(4) = 20. */
    static final long CMSG_SPACE_ONE_FD = 24, CMSG_LEN_ONE_FD = 20, CMSG_LEVEL = 8, CMSG_TYPE = 12, CMSG_DATA = 16;

    /** socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC): both ends, close-on-exec. */
    static int[] unixStreamPair() throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment pair = arena.allocate(JAVA_INT, 2);
            check("socketpair", state, (int) SOCKETPAIR.invokeExact(state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair));
            return new int[] {pair.getAtIndex(JAVA_INT, 0), pair.getAtIndex(JAVA_INT, 1)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * sendmsg(2) of one byte, {@code tag}, carrying a copy of {@code passed} (SCM_RIGHTS), with
     * MSG_NOSIGNAL: a receiver that is gone is EPIPE, not SIGPIPE. EINTR is retried.
     */
    static void sendDescriptor(int fd, byte tag, int passed) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment data = arena.allocateFrom(JAVA_BYTE, tag);
            MemorySegment iov = arena.allocate(IOVEC_BYTES, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, 1L);
            MemorySegment control = arena.allocate(CMSG_SPACE_ONE_FD, 8);
            control.set(JAVA_LONG, 0, CMSG_LEN_ONE_FD);
            control.set(JAVA_INT, CMSG_LEVEL, SOL_SOCKET);
            control.set(JAVA_INT, CMSG_TYPE, SCM_RIGHTS);
            control.set(JAVA_INT, CMSG_DATA, passed);
            MemorySegment message = arena.allocate(MSGHDR_BYTES, 8);
            message.set(ADDRESS, MSG_IOV, iov);
            message.set(JAVA_LONG, MSG_IOVLEN, 1L);
            message.set(ADDRESS, MSG_CONTROL, control);
            message.set(JAVA_LONG, MSG_CONTROLLEN, CMSG_SPACE_ONE_FD);
            while (true) {
                long r = (long) SENDMSG.invokeExact(state, fd, message, MSG_NOSIGNAL);
                if (r >= 0) {
                    return;
                }
                if (errno(state) != PosixException.EINTR) {
                    throw new PosixException("sendmsg", errno(state));
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- eventfd and poll

    static int eventfd() throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return check("eventfd", state, (int) EVENTFD.invokeExact(state, 0, EFD_NONBLOCK | EFD_CLOEXEC));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Adds one to an eventfd counter; a full counter (EAGAIN) already means "wake up". */
    static void eventfdSignal(int fd) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment one = arena.allocateFrom(JAVA_LONG, 1L);
            long r = (long) WRITE.invokeExact(state, fd, one, 8L);
            if (r < 0 && errno(state) != PosixException.EAGAIN) {
                throw new PosixException("write", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Resets an eventfd counter to zero; nothing to read (EAGAIN) is fine. */
    static void eventfdDrain(int fd) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment value = arena.allocate(JAVA_LONG);
            long r = (long) READ.invokeExact(state, fd, value, 8L);
            if (r < 0 && errno(state) != PosixException.EAGAIN) {
                throw new PosixException("read", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** pollfd: int fd; short events; short revents. */
    static final long POLLFD_BYTES = 8;

    /**
     * poll(2) over {@code fds} (an array of pollfd). Returns the number ready, 0 on timeout, or 0
     * when a signal interrupted the wait (the caller's loop simply looks again).
     */
    static int poll(MemorySegment fds, int count, int timeoutMillis) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r = (int) POLL.invokeExact(state, fds, (long) count, timeoutMillis);
            if (r < 0) {
                int errno = errno(state);
                if (errno == PosixException.EINTR) {
                    return 0;
                }
                throw new PosixException("poll", errno);
            }
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- processes

    /** pidfd_open(2): a descriptor that becomes readable when {@code pid} exits. */
    static int pidfdOpen(int pid) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long r = (long) SYSCALL_2.invokeExact(state, SYS_PIDFD_OPEN, (long) pid, 0L);
            return check("pidfd_open", state, (int) r);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * waitpid(pid, WNOHANG). Returns the raw status, or -1 if the child is still running.
     *
     * @throws PosixException ECHILD if {@code pid} is not an unreaped child of this process
     */
    static int waitpidNoHang(int pid) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment status = arena.allocate(JAVA_INT);
            while (true) {
                int r = (int) WAITPID.invokeExact(state, pid, status, WNOHANG);
                if (r == pid) {
                    return status.get(JAVA_INT, 0);
                }
                if (r == 0) {
                    return -1;
                }
                if (errno(state) != PosixException.EINTR) {
                    throw new PosixException("waitpid", errno(state));
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void kill(int pid, int signal) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            check("kill", state, (int) KILL.invokeExact(state, pid, signal));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("getpid failed", t);
        }
    }

    static int getppid() {
        try {
            return (int) GETPPID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("getppid failed", t);
        }
    }

    static boolean hasCloseFrom() {
        return FA_ADDCLOSEFROM.isPresent();
    }

    /**
     * posix_spawn or posix_spawnp with file actions that dup2 {@code dupSources[i]} onto
     * descriptor i (for i in 0..2, when not negative) and close every descriptor from 3 up, a
     * fresh signal mask and every signal at its default disposition.
     *
     * @param argv argv[0] first; envp as NAME=value strings
     * @return the child's pid
     */
    static int spawn(String program, boolean searchPath, String[] argv, String[] envp, int[] dupSources)
            throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(OPAQUE_BYTES, 16);
            MemorySegment attributes = arena.allocate(OPAQUE_BYTES, 16);
            checkResult("posix_spawn_file_actions_init", (int) FA_INIT.invokeExact(actions));
            try {
                checkResult("posix_spawnattr_init", (int) ATTR_INIT.invokeExact(attributes));
                try {
                    for (int target = 0; target < dupSources.length; target++) {
                        if (dupSources[target] >= 0) {
                            checkResult("posix_spawn_file_actions_adddup2",
                                    (int) FA_ADDDUP2.invokeExact(actions, dupSources[target], target));
                        }
                    }
                    if (FA_ADDCLOSEFROM.isPresent()) {
                        checkResult("posix_spawn_file_actions_addclosefrom_np",
                                (int) FA_ADDCLOSEFROM.get().invokeExact(actions, 3));
                    }
                    MemorySegment empty = arena.allocate(OPAQUE_BYTES / 8, 8);
                    MemorySegment all = arena.allocate(OPAQUE_BYTES / 8, 8);
                    checkResult("sigemptyset", (int) SIGEMPTYSET.invokeExact(empty));
                    checkResult("sigfillset", (int) SIGFILLSET.invokeExact(all));
                    checkResult("posix_spawnattr_setsigmask", (int) ATTR_SETSIGMASK.invokeExact(attributes, empty));
                    checkResult("posix_spawnattr_setsigdefault", (int) ATTR_SETSIGDEFAULT.invokeExact(attributes, all));
                    checkResult("posix_spawnattr_setflags", (int) ATTR_SETFLAGS.invokeExact(attributes,
                            (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)));
                    MemorySegment pid = arena.allocate(JAVA_INT);
                    MemorySegment path = arena.allocateFrom(program);
                    MemorySegment args = stringArray(arena, argv);
                    MemorySegment env = stringArray(arena, envp);
                    int r = searchPath
                            ? (int) POSIX_SPAWNP.invokeExact(pid, path, actions, attributes, args, env)
                            : (int) POSIX_SPAWN.invokeExact(pid, path, actions, attributes, args, env);
                    checkResult(searchPath ? "posix_spawnp " + program : "posix_spawn " + program, r);
                    return pid.get(JAVA_INT, 0);
                } finally {
                    int ignored = (int) ATTR_DESTROY.invokeExact(attributes);
                }
            } finally {
                int ignored = (int) FA_DESTROY.invokeExact(actions);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** strerror(3): "No such process" for 3. */
    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.equals(MemorySegment.NULL) ? "errno " + errno : text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    // ---- epoll and non-blocking client sockets (ClientSockets), errno into the caller's state

    /** A segment for the errno of calls made with it: one per thread that uses the raw calls below. */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int connect(MemorySegment state, int fd, MemorySegment address) {
        try {
            return (int) CONNECT.invokeExact(state, fd, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw rethrowUnchecked(t);
        }
    }

    static int epollCreate() throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return check("epoll_create1", state, (int) EPOLL_CREATE1.invokeExact(state, EPOLL_CLOEXEC));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCtl(MemorySegment state, int epoll, int op, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(state, epoll, op, fd, event);
        } catch (Throwable t) {
            throw rethrowUnchecked(t);
        }
    }

    static int epollWait(MemorySegment state, int epoll, MemorySegment events, int capacity, int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(state, epoll, events, capacity, timeoutMillis);
        } catch (Throwable t) {
            throw rethrowUnchecked(t);
        }
    }

    /** read(2) into native memory at {@code address}; -1 with errno in {@code state} on failure. */
    static long readNow(MemorySegment state, int fd, long address, long length) {
        try {
            return (long) READ_NOW.invokeExact(state, fd, address, length);
        } catch (Throwable t) {
            throw rethrowUnchecked(t);
        }
    }

    /** send(2) with MSG_NOSIGNAL (a reset peer is EPIPE, never SIGPIPE) from native memory at {@code address}. */
    static long sendNow(MemorySegment state, int fd, long address, long length) {
        try {
            return (long) SEND_NOW.invokeExact(state, fd, address, length, MSG_NOSIGNAL);
        } catch (Throwable t) {
            throw rethrowUnchecked(t);
        }
    }

    // ---- plumbing

    /** A NULL-terminated char* array. */
    private static MemorySegment stringArray(Arena arena, String[] strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.length + 1L);
        for (int i = 0; i < strings.length; i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(strings[i]));
        }
        array.setAtIndex(ADDRESS, strings.length, MemorySegment.NULL);
        return array;
    }

    private static int check(String call, MemorySegment state, int result) throws PosixException {
        if (result < 0) {
            throw new PosixException(call, errno(state));
        }
        return result;
    }

    /** For functions that return an error number rather than setting errno. */
    private static void checkResult(String call, int result) throws PosixException {
        if (result != 0) {
            throw new PosixException(call, result);
        }
    }

    /** The errno a call made with {@code state} left there. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** Unwraps what a downcall's try block caught: our own exception is returned to be thrown, the rest rethrown. */
    private static PosixException rethrow(Throwable t) {
        if (t instanceof PosixException p) {
            return p;
        }
        throw rethrowUnchecked(t);
    }

    /** A downcall cannot throw a checked exception: what it throws is a bug or an error, rethrown as is. */
    private static RuntimeException rethrowUnchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }

    private static MethodHandle critical(String name, MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(find(name), FunctionDescriptor.of(result, args),
                Linker.Option.captureCallState("errno"), Linker.Option.critical(false));
    }

    private static MethodHandle withErrno(String name, MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(find(name), FunctionDescriptor.of(result, args),
                Linker.Option.captureCallState("errno"));
    }

    /** For a variadic function: {@code fixed} named arguments, then the variadic ones. */
    private static MethodHandle withErrno(String name, int fixed, MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(find(name), FunctionDescriptor.of(result, args),
                Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(fixed));
    }

    private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor);
    }

    private static Optional<MethodHandle> optional(String name, FunctionDescriptor descriptor) {
        return LIBC.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor));
    }

    private static MemorySegment find(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }
}
