/**
 * The native layer: the only code in turnstile that touches {@code java.lang.foreign}.
 *
 * <p>It binds the few libc calls the process models need, through the Foreign Function and
 * Memory API of JDK 22+ (no JNI, no native library of our own): socket, setsockopt, bind,
 * listen, accept4, getsockname, close; posix_spawn with file actions (dup2 a socket onto the
 * child's stdin and stdout, close every other descriptor); waitpid, kill, pidfd_open, poll,
 * eventfd; getpid and getppid. (Not prctl(PR_SET_PDEATHSIG): workers would have to call it
 * themselves, and a worker JVM's first FFM call costs more than the rest of its start; they poll
 * their parent's pid instead.) A failing call becomes a
 * {@link dev.turnstile.posix.PosixException} naming the call and the errno text.
 *
 * <p>Masters use it through two narrow interfaces, {@link dev.turnstile.posix.Processes} and
 * {@link dev.turnstile.posix.Listener}, so their decisions can be tested with doubles, without
 * forking. Linux on x86_64 and aarch64 with glibc; the constants used have the same values on both.
 *
 * <p>For the command line, the systemd contracts: {@link dev.turnstile.posix.SocketActivation}
 * (sd_listen_fds: passed sockets moved onto standard input, with dup2, fcntl, getsockopt),
 * {@link dev.turnstile.posix.NotifySocket} and {@link dev.turnstile.posix.NotifyInbox} (sd_notify:
 * AF_UNIX datagrams with sendto and recv), and {@link dev.turnstile.posix.DescriptorOutput} (output
 * that survives the JDK pointing descriptors 1 and 2 at /dev/null).
 */
package dev.turnstile.posix;
