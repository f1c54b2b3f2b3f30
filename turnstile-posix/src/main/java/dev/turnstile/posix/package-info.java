/**
 * The native layer: the only code in turnstile that touches {@code java.lang.foreign}.
 *
 * <p>It binds the few libc calls the process models need, through the Foreign Function and
 * Memory API of JDK 22+ (no JNI, no native library of our own): socket, setsockopt, bind,
 * listen, accept4, getsockname, close; posix_spawn with file actions (dup2 a socket onto the
 * child's stdin and stdout, close every other descriptor); waitpid, kill, pidfd_open, poll,
 * eventfd; getpid, getppid and prctl(PR_SET_PDEATHSIG). A failing call becomes a
 * {@link dev.turnstile.posix.PosixException} naming the call and the errno text.
 *
 * <p>Masters use it through two narrow interfaces, {@link dev.turnstile.posix.Processes} and
 * {@link dev.turnstile.posix.Listener}, so their decisions can be tested with doubles, without
 * forking. Linux on x86_64 and aarch64 with glibc; the constants used have the same values on both.
 */
package dev.turnstile.posix;
