package dev.turnstile.cli;

import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sorts a command's options into picocli argument groups by topic, so that {@code serve --help}
 * reads as a few short lists under headings instead of one long one.
 *
 * <p>The options stay where they are declared ({@link ServerOptions}, {@link ProcessOptions},
 * the commands); only the help's arrangement is made here, on the built command spec: each
 * listed option is taken off the command and put back inside a non-validating group (any mix
 * of options may be given; nothing is required), bound to the same field as before. An option
 * no topic lists stays in the plain "Options:" list; {@code CommandLineTest} fails for any such
 * server option, so a new option gets its topic when it is added.
 *
 * <p>Not thread-safe: applied once to a freshly built {@link picocli.CommandLine}.
 */
final class OptionTopics {

    /** Heading → option names, in the order the help shows them. */
    static final Map<String, List<String>> TOPICS = topics();

    private OptionTopics() {
    }

    private static Map<String, List<String>> topics() {
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("Service, address and framing", List.of("--service", "--model", "--host", "--port", "--backlog", "--framing",
                "--max-message-bytes"));
        t.put("Limits and timeouts", List.of("--max-connections", "--max-connections-per-ip", "--max-accept-rate",
                "--idle-timeout", "--write-timeout", "--message-timeout", "--max-pending"));
        t.put("TLS", List.of("--tls-cert", "--tls-key", "--tls-keystore", "--tls-keystore-password-file",
                "--tls-handshake-timeout"));
        t.put("PROXY protocol", List.of("--proxy-protocol", "--proxy-from", "--proxy-header-timeout"));
        t.put("Thread models", List.of("--workers", "--min", "--max", "--keep-alive", "--policy"));
        t.put("Event loops", List.of("--loops", "--accept", "--high-water", "--low-water", "--slow-callback"));
        t.put("Process models", List.of("--max-children", "--exec", "--spares", "--min-spare", "--max-spare", "--threads-per-worker",
                "--max-connections-per-worker", "--balance", "--worker-model", "--worker-capacity", "--max-restarts",
                "--restart-window", "--worker-heap", "--cds"));
        t.put("Operations", List.of("--config", "--print-config", "--drain", "--inherit-stdin", "--socket-name", "--pid-file",
                "--upgrade-timeout", "--admin-port", "--admin-address"));
        return t;
    }

    /** Groups {@code command}'s options that a topic lists; a topic none of whose options the command has is left out. */
    static void group(CommandSpec command) {
        command.usageMessage().sortOptions(false); // within a topic, the order listed here
        int order = 1;
        for (Map.Entry<String, List<String>> topic : TOPICS.entrySet()) {
            ArgGroupSpec.Builder group = ArgGroupSpec.builder().heading("%n" + topic.getKey() + ":%n")
                    .validate(false).exclusive(false).multiplicity("0..1").order(order++);
            for (String name : topic.getValue()) {
                OptionSpec option = command.findOption(name);
                if (option != null && option.group() == null) {
                    command.remove(option);
                    group.addArg(option);
                }
            }
            if (!group.args().isEmpty()) {
                command.addArgGroup(group.build());
            }
        }
    }
}
