package dev.turnstile.posix;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * This process's listening TCP sockets on a port, by descriptor number, found the way
 * {@code ss -ltnp} finds them: the socket inodes in LISTEN state on that port in
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6}, matched against the {@code socket:[inode]}
 * links in {@code /proc/self/fd}.
 *
 * <p>Why: a model that binds its own socket does so through the JDK, which does not say which
 * descriptor it got; an upgrade must hand that very socket (not a new one on the same port) to
 * the new copy of the server, so that connections waiting in its queue are not lost.
 *
 * <p>Linux only. Stateless and thread-safe; the answer is a snapshot (a socket closed meanwhile
 * may still be listed, a number reused meanwhile may name something else: callers check the
 * descriptor before they use it, as {@link #requireListening} does).
 */
public final class ListeningDescriptors {

    /** The {@code st} column of a listening socket in /proc/net/tcp: TCP_LISTEN. */
    private static final String LISTEN = "0A";

    private ListeningDescriptors() {
    }

    /** The descriptors of this process's TCP sockets listening on {@code port} (any address), in ascending order. */
    public static List<Integer> onPort(int port) throws IOException {
        Posix.requireSupported();
        Set<String> inodes = new HashSet<>();
        for (String table : new String[]{"/proc/net/tcp", "/proc/net/tcp6"}) {
            inodes.addAll(listeningInodes(Path.of(table), port));
        }
        List<Integer> fds = new ArrayList<>();
        if (inodes.isEmpty()) {
            return fds;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path entry : entries) {
                String target;
                try {
                    target = Files.readSymbolicLink(entry).toString();
                } catch (NoSuchFileException e) {
                    continue; // closed meanwhile, such as the directory stream's own
                }
                if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                    fds.add(Integer.parseInt(entry.getFileName().toString()));
                }
            }
        }
        fds.sort(null);
        return fds;
    }

    /**
     * Checks that {@code fd} is a listening stream socket.
     *
     * @throws IOException if it is not
     */
    public static void requireListening(int fd) throws IOException {
        Posix.requireSupported();
        NativeListener.requireListeningStream(fd);
    }

    /** The inodes of the sockets in LISTEN state on {@code port} in one /proc/net table; none if the table is missing (no IPv6). */
    static Set<String> listeningInodes(Path table, int port) throws IOException {
        Set<String> inodes = new HashSet<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (NoSuchFileException e) {
            return inodes;
        }
        String hexPort = ":" + String.format(Locale.ROOT, "%04X", port);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) { // the first is the heading
            String[] f = line.trim().split("\\s+");
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
            if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals(LISTEN)) {
                inodes.add(f[9]);
            }
        }
        return inodes;
    }
}
