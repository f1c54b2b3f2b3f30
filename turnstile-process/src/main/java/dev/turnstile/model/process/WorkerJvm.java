package dev.turnstile.model.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The command line of a worker JVM: the same {@code java} and class path as this JVM (so the
 * workers run exactly the code the master runs), a small heap, the serial collector, no
 * perf-data file (the JDK's default class-data archive stays on), an exit on the first out-of-memory error (a JVM past one is not to be trusted,
 * and the exit is the crash the process models contain), and every VM message routed to stderr,
 * because a connection worker's stdout is the client's socket. Workers never call the native
 * layer (see {@link ParentWatch}), so they get no native access, which would also turn off the
 * JDK's archived module graph.
 *
 * <p>{@link StartMode#FAST}, for a worker that serves one connection, keeps only the C1 compiler
 * and compiles ten times later than usual ({@code -XX:TieredStopAtLevel=1
 * -XX:CompileThresholdScaling=10}): with a class-data archive a child then costs about 80 ms of
 * CPU instead of 106 to 148 ms with plain C1, as little as with the interpreter alone (84 ms),
 * while a long conversation still gets compiled (measured on this 2-core machine, medians of 7).
 * {@link StartMode#LONG_LIVED} keeps both compilers for pool workers, and caches boxed integers
 * up to 65,536 as the launcher does for the master, since a worker may run an event loop
 * ({@code --worker-model}). A class-data archive, when
 * there is one, is added with {@link #withOptions}.
 *
 * <p>Immutable.
 */
public final class WorkerJvm {

    /** How long the worker is expected to live. */
    public enum StartMode { FAST, LONG_LIVED }

    /** {@code 64m}, {@code 1g}: the -Xmx syntax. */
    private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");
    public static final String DEFAULT_HEAP = "64m";

    private final String java;
    private final String classPath;
    private final List<String> options;

    private WorkerJvm(String java, String classPath, List<String> options) {
        this.java = java;
        this.classPath = classPath;
        this.options = List.copyOf(options);
    }

    /**
     * Workers like this JVM: its {@code java}, its class path and its SLF4J simple-logger settings.
     *
     * @param heap the maximum heap, as for -Xmx ({@code 64m})
     * @throws IllegalArgumentException naming {@code worker-heap} if the size is malformed
     */
    public static WorkerJvm ofThisJvm(String heap, StartMode mode) {
        if (!HEAP.matcher(heap).matches()) {
            throw new IllegalArgumentException("worker-heap must be a size such as 64m or 1g (got '" + heap + "')");
        }
        List<String> options = new ArrayList<>(List.of(
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:+DisplayVMOutputToStderr",
                "-Xlog:disable", "-Xlog:all=warning:stderr"));
        if (mode == StartMode.FAST) {
            options.add("-XX:TieredStopAtLevel=1");
            options.add("-XX:CompileThresholdScaling=10");
        } else {
            // as the launcher gives the master: the JDK's selector boxes each ready descriptor number,
            // which above 127 allocates per event in a pool worker that runs an event loop
            options.add("-XX:AutoBoxCacheMax=65536");
        }
        for (Map.Entry<Object, Object> p : System.getProperties().entrySet()) {
            String key = String.valueOf(p.getKey());
            if (key.startsWith("org.slf4j.simpleLogger.")) {
                options.add("-D" + key + "=" + p.getValue());
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new WorkerJvm(java, System.getProperty("java.class.path"), options);
    }

    /** The same JVM with extra options, such as those that use a class-data archive. */
    public WorkerJvm withOptions(List<String> extra) {
        List<String> all = new ArrayList<>(options);
        all.addAll(extra);
        return new WorkerJvm(java, classPath, all);
    }

    /** The same JVM on another class path, such as {@link ClassPathJars#jarred} made. */
    public WorkerJvm withClassPath(String path) {
        return new WorkerJvm(java, path, options);
    }

    public String classPath() {
        return classPath;
    }

    public String java() {
        return java;
    }

    /** {@code java OPTIONS -cp CLASSPATH MAIN ARGS}. */
    public List<String> command(Class<?> main, List<String> args) {
        Objects.requireNonNull(main, "main");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        command.add("-cp");
        command.add(classPath);
        command.add(main.getName());
        command.addAll(args);
        return command;
    }
}
