package dev.turnstile.model.process;

import dev.turnstile.testing.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The children of this JVM as /proc shows them, zombies included (which {@link ProcessHandle}
 * hides), so tests can check that a model reaps everything it starts and leaves nothing behind.
 */
public final class ChildProcesses {

    /** One child: pid, state letter (R, S, Z...) and command line. */
    public record Child(long pid, char state, String command) {
        public boolean zombie() {
            return state == 'Z';
        }

        /**
         * True for a child that serves connections: a worker JVM with a scoreboard slot, or an
         * --exec program (anything but a JVM). Not the class-data training worker, which runs on its own.
         */
        public boolean serving() {
            return command.contains("--scoreboard") || !command.contains("java");
        }
    }

    private ChildProcesses() {
    }

    /** Every process whose parent is this JVM. */
    public static List<Child> ofThisJvm() {
        long self = ProcessHandle.current().pid();
        List<Child> children = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                try {
                    String stat = Files.readString(p.resolve("stat"), StandardCharsets.UTF_8);
                    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(rest[1]) == self) {
                        String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').trim();
                        children.add(new Child(Long.parseLong(p.getFileName().toString()), rest[0].charAt(0), cmd));
                    }
                } catch (NoSuchFileException e) {
                    // exited while we looked
                } catch (IOException e) {
                    if (Files.exists(p)) {
                        throw e;
                    }
                    // exited between the listing and the read: /proc answers ESRCH ("No such process")
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return children;
    }

    /** Waits until no child matching {@code filter} is left (zombies count as left); returns what is left at the deadline. */
    public static List<Child> awaitNone(Predicate<Child> filter, Duration limit) {
        Poll.within(limit, () -> ofThisJvm().stream().noneMatch(filter));
        return ofThisJvm().stream().filter(filter).toList();
    }

    /** Children that turnstile started (workers or --exec programs); other children of the test JVM are ignored. */
    public static List<Child> zombies() {
        return ofThisJvm().stream().filter(Child::zombie).toList();
    }
}
