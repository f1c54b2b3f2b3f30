package dev.turnstile.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * serve's settings from a config file and TURNSTILE_* variables: precedence (command line >
 * environment > file > default), unknown keys, bad values, and --print-config.
 */
@Timeout(60)
class ConfigSourcesTest {

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private Run serve(Map<String, String> environment, String... args) {
        try (CapturedStreams streams = CapturedStreams.capture()) {
            String[] all = new String[args.length + 1];
            all[0] = "serve";
            System.arraycopy(args, 0, all, 1, args.length);
            int status = Turnstile.commandLine(environment).execute(all);
            return new Run(status, streams.out(), streams.err());
        }
    }

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("turnstile.conf"), text);
    }

    /** The line of --print-config's output for {@code key}. */
    private static String line(Run run, String key) {
        return run.out().lines().filter(l -> l.startsWith(key + " =") || l.startsWith("# " + key + " ="))
                .findFirst().orElseThrow(() -> new AssertionError("no line for " + key + " in:\n" + run.out()));
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
        Path conf = file("""
                # a comment, then settings
                model = process-pool
                max-connections = 100
                workers = 3
                idle-timeout = 5m
                """);
        Run run = serve(Map.of("TURNSTILE_MAX_CONNECTIONS", "200", "TURNSTILE_WORKERS", "5"),
                "--config", conf.toString(), "--workers", "7", "--print-config");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(line(run, "model")).startsWith("model = process-pool").endsWith("# " + conf + " line 2");
        assertThat(line(run, "idle-timeout")).startsWith("idle-timeout = 5m").endsWith("line 5");
        assertThat(line(run, "max-connections")).startsWith("max-connections = 200").endsWith("# TURNSTILE_MAX_CONNECTIONS");
        assertThat(line(run, "workers")).startsWith("workers = 7").endsWith("# command line");
        assertThat(line(run, "write-timeout")).startsWith("write-timeout = 30s").endsWith("# default");
        assertThat(line(run, "min")).isEqualTo(line(run, "min").strip()).startsWith("# min =").endsWith("unset (default)");
    }

    @Test
    void theExampleConfigFileIsValid() {
        Path example = Path.of("..", "docs", "deploy", "turnstile.conf");
        Run run = serve(Map.of(), "--config", example.toString(), "--print-config");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(line(run, "model")).startsWith("model = process-pool").contains("turnstile.conf line ");
        assertThat(line(run, "framing")).startsWith("framing = auto ");
    }

    @Test
    void theConfigFileCanComeFromTheEnvironment() throws IOException {
        Path conf = file("backlog = 77\n");
        Run run = serve(Map.of("TURNSTILE_CONFIG", conf.toString()), "--print-config");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(line(run, "backlog")).startsWith("backlog = 77").endsWith("line 1");
    }

    @Test
    void printConfigDoesNotBindAndItsOutputReadsBackAsAConfigFile() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            Run first = serve(Map.of(), "--port", Integer.toString(taken.getLocalPort()), "--model", "event-loop",
                    "--proxy-protocol", "v1", "--proxy-from", "10.0.0.0/8,192.168.0.0/16", "--slow-callback", "250ms",
                    "--print-config");
            assertThat(first.status()).as("the port is taken, yet print-config succeeds: " + first.err()).isZero();
            Path conf = file(first.out());
            Run second = serve(Map.of(), "--config", conf.toString(), "--print-config");
            assertThat(second.status()).as(second.err()).isZero();
            assertThat(line(second, "proxy-from")).startsWith("proxy-from = 10.0.0.0/8,192.168.0.0/16");
            assertThat(line(second, "slow-callback")).startsWith("slow-callback = 250ms");
            assertThat(second.out().lines().map(l -> l.replaceAll("\\s+#.*", "")))
                    .containsExactlyElementsOf(first.out().lines().map(l -> l.replaceAll("\\s+#.*", "")).toList());
        }
    }

    @Test
    void anUnknownKeyInTheFileNamesTheClosestOption() throws IOException {
        Path conf = file("model = thread-pool\nmax-conections = 5\n");
        Run run = serve(Map.of(), "--config", conf.toString(), "--print-config");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains(conf + " line 2: unknown key 'max-conections'; did you mean 'max-connections'?")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void anUnknownVariableNamesTheClosestOption() {
        Run run = serve(Map.of("TURNSTILE_IDLE_TIMOUT", "5s", "TURNSTILE_DEBUG", "1"), "--print-config");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("TURNSTILE_IDLE_TIMOUT names no option of serve; did you mean TURNSTILE_IDLE_TIMEOUT (--idle-timeout)?")
                .doesNotContain("TURNSTILE_DEBUG");
        Run launcher = serve(Map.of("TURNSTILE_JAVA_OPTS", "-Xmx48m", "TURNSTILE_DEBUG", "1"), "--print-config");
        assertThat(launcher.status()).as("the launcher's and the scripts' own variables are no options: " + launcher.err()).isZero();
    }

    @Test
    void optionsOfTheInvocationCannotBeSetInAFile() throws IOException {
        Path conf = file("print-config = true\n");
        Run run = serve(Map.of(), "--config", conf.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("line 1: 'print-config' cannot be set in a config file");
    }

    @Test
    void aBadValueInTheFileSaysWhereItCameFrom() throws IOException {
        Path conf = file("max-connections = lots\n");
        Run run = serve(Map.of(), "--config", conf.toString(), "--print-config");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--max-connections").contains("'lots'").contains("(from " + conf + " line 1)")
                .doesNotContain("\tat ");
    }

    @Test
    void aBadValueInTheEnvironmentSaysWhichVariable() {
        Run run = serve(Map.of("TURNSTILE_IDLE_TIMEOUT", "forever"), "--print-config");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("'forever' is not a duration").contains("(from TURNSTILE_IDLE_TIMEOUT)")
                .doesNotContain("\tat ");
    }

    @Test
    void aMissingFileOrABadLineIsRefused() throws IOException {
        Run missing = serve(Map.of(), "--config", dir.resolve("nowhere.conf").toString(), "--print-config");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read config file").contains("no such file");
        Path conf = file("workers 4\n");
        Run bad = serve(Map.of(), "--config", conf.toString(), "--print-config");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("line 1: expected 'key = value', got 'workers 4'");
    }

    @Test
    void anInvalidCombinationFromTheFileFailsAsOnTheCommandLine() throws IOException {
        Path conf = file("workers = 0\nport = 0\n");
        Run run = serve(Map.of(), "--config", conf.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--workers must be >= 1 (got 0)").doesNotContain("\tat ");
    }
}
