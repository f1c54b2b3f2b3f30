package dev.turnstile.model.process;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Turns the directories of a class path into jars, because the JVM archives classes only from
 * jars: with a build's target/classes on the class path (tests, an IDE), worker JVMs could
 * otherwise never use a class-data archive and each would load and verify every class again.
 *
 * <p>Each directory becomes a jar in the user's temporary directory named by a digest of the
 * directory's file names, sizes and times, so an unchanged directory is packed once and reused
 * by every later master, and a recompiled one gets a new jar. Workers run a snapshot of the
 * classes as they were when their master started. Jars are written to a temporary name and
 * moved into place. Stateless; safe from any thread and any number of processes.
 */
public final class ClassPathJars {

    private ClassPathJars() {
    }

    /** {@code classPath} with every directory replaced by a jar of its contents; jars are kept as they are. */
    public static String jarred(String classPath) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            entries.add(Files.isDirectory(p) ? jarOf(p).toString() : entry);
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Path jarOf(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Path jar = Path.of(System.getProperty("java.io.tmpdir"), "turnstile-" + System.getProperty("user.name"), "classpath",
                dir.getFileName() + "-" + digest(dir, files) + ".jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Files.createDirectories(jar.getParent());
        Path temporary = Files.createTempFile(jar.getParent(), jar.getFileName().toString(), ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Path f : files) {
                zip.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
        try {
            Files.move(temporary, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING);
        }
        return jar;
    }

    private static String digest(Path dir, List<Path> files) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(dir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            for (Path f : files) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                sha.update((dir.relativize(f) + " " + a.size() + " " + a.lastModifiedTime().toMillis() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
