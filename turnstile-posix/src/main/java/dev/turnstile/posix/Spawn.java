package dev.turnstile.posix;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to start in a child process: the command, its environment, and which of this process's
 * descriptors become the child's standard input, output and error. Every other descriptor is
 * closed in the child, whatever its close-on-exec flag, so a child never holds another
 * connection or the listening socket by accident.
 *
 * @param command     the program (a path, or a name looked up in PATH when {@code searchPath}) and its arguments;
 *                    {@code command.get(0)} is also the child's argv[0]
 * @param environment the child's whole environment
 * @param searchPath  look the program up in PATH as a shell would (posix_spawnp)
 * @param stdin       the descriptor to dup2 onto the child's 0, or {@link #INHERIT}
 * @param stdout      the descriptor to dup2 onto the child's 1, or {@link #INHERIT}
 * @param stderr      the descriptor to dup2 onto the child's 2, or {@link #INHERIT}
 */
public record Spawn(List<String> command, Map<String, String> environment, boolean searchPath,
                    int stdin, int stdout, int stderr) {

    /** Keep this process's descriptor of the same number (its stdin, stdout or stderr). */
    public static final int INHERIT = -1;

    public Spawn {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        if (command.isEmpty() || command.getFirst().isBlank()) {
            throw new IllegalArgumentException("command must name a program");
        }
        for (String s : command) {
            if (s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("command words cannot contain NUL: " + s);
            }
        }
        environment.forEach((k, v) -> {
            if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("bad environment variable " + k);
            }
        });
    }

    /** Runs {@code command} with this process's environment and standard streams. */
    public static Spawn of(List<String> command) {
        return new Spawn(command, System.getenv(), false, INHERIT, INHERIT, INHERIT);
    }

    public Spawn searchPath(boolean search) {
        return new Spawn(command, environment, search, stdin, stdout, stderr);
    }

    public Spawn environment(Map<String, String> env) {
        return new Spawn(command, env, searchPath, stdin, stdout, stderr);
    }

    /** The environment with {@code extra} added or replacing. */
    public Spawn withEnvironment(Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(extra);
        return environment(env);
    }

    public Spawn stdin(int fd) {
        return new Spawn(command, environment, searchPath, fd, stdout, stderr);
    }

    public Spawn stdout(int fd) {
        return new Spawn(command, environment, searchPath, stdin, fd, stderr);
    }

    public Spawn stderr(int fd) {
        return new Spawn(command, environment, searchPath, stdin, stdout, fd);
    }

    /** The program, for messages. */
    public String program() {
        return command.getFirst();
    }

    String[] argv() {
        return command.toArray(String[]::new);
    }

    String[] envp() {
        return environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    int[] dupSources() {
        return new int[] {stdin, stdout, stderr};
    }
}
