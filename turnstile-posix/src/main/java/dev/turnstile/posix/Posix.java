package dev.turnstile.posix;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The entry point to the native layer: listening sockets by descriptor, child processes, and a
 * process's own pid and parent's pid.
 *
 * <p>Linux only (x86_64 and aarch64, glibc). The JVM must allow native access to this code
 * ({@code --enable-native-access=ALL-UNNAMED}, or the module's name), else it prints a warning on
 * first use. Thread-safe: everything here is stateless.
 */
public final class Posix {

    private Posix() {
    }

    /** True on the platforms this layer supports: Linux on x86_64 or aarch64. */
    public static boolean supported() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        return os.equals("Linux") && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    }

    /**
     * Opens a TCP socket on {@code address} (SO_REUSEADDR, close-on-exec) as {@code mode} says.
     *
     * @throws java.net.BindException naming the address, such as "127.0.0.1:20446 is already in use"
     */
    public static Listener listen(InetSocketAddress address, int backlog, ListenMode mode) throws IOException {
        requireSupported();
        return NativeListener.open(address, backlog, mode);
    }

    /**
     * The listening socket on this process's standard input (descriptor 0), as inetd passes it and
     * as {@link SocketActivation#moveToStandardInput} leaves it, in {@code mode}'s blocking mode
     * ({@link ListenMode#SHARED} or {@link ListenMode#POLLED}). Nothing is bound. Closing it closes
     * descriptor 0; the socket stays open in whoever passed it (systemd keeps it listening).
     *
     * @throws IOException if standard input is not a listening stream socket
     */
    public static Listener inheritedListener(ListenMode mode) throws IOException {
        requireSupported();
        return NativeListener.adopt(0, mode);
    }

    /** The real {@link Processes}; close it when the master is done. */
    public static Processes processes() throws IOException {
        requireSupported();
        return new NativeProcesses();
    }

    public static int pid() {
        return Libc.getpid();
    }

    /** The parent's pid; it changes (to 1 or a subreaper) once the parent is gone. */
    public static int parentPid() {
        return Libc.getppid();
    }

    public static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (PosixException ignored) {
            // EBADF or EIO: the descriptor is released either way on Linux
        }
    }

    /**
     * For a glibc without posix_spawn_file_actions_addclosefrom_np: marks every open descriptor from 3
     * up close-on-exec, so that a child started next gets only what its file actions give it.
     * Descriptors opened by another thread between this and the spawn can still leak; glibc 2.34+
     * has no such window.
     */
    static void markInheritedCloseOnExec() throws IOException {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                int fd = Integer.parseInt(p.getFileName().toString());
                if (fd >= 3) {
                    try {
                        Libc.setCloseOnExec(fd);
                    } catch (PosixException e) {
                        if (e.errno() != PosixException.EBADF) { // closed meanwhile, such as the directory stream's own
                            throw e;
                        }
                    }
                }
            }
        }
    }

    static void requireSupported() {
        if (!supported()) {
            throw new UnsupportedOperationException("the process models need Linux on x86_64 or aarch64 (this is "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch") + ")");
        }
    }
}
