package dev.turnstile.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that runs one of this module's mains on the benchmark's own
 * class path, with the given flags.
 */
record JavaProcess(List<String> jvmFlags, String mainClass, List<String> args) {

    JavaProcess {
        jvmFlags = List.copyOf(jvmFlags);
        args = List.copyOf(args);
    }

    List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED"); // turnstile-posix's downcalls, on the class path
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }
}
