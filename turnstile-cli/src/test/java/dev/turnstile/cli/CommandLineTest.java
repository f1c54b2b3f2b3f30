package dev.turnstile.cli;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Exit codes and messages of the commands, with stdout and stderr captured. */
@Timeout(120)
class CommandLineTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void clientVerifiesEveryReplyAndExitsZero() {
        try (RunningServer server = RunningServer.start("thread-pool", ModelOptions.none().withWorkers(4))) {
            int status = Turnstile.run("client", "--port", Integer.toString(server.port()), "--clients", "4",
                    "--messages", "3", "--think-max", "0s");
            assertThat(status).as(out()).isZero();
            assertThat(out()).contains("sent 12, verified 12, mismatched 0, missing 0, errors 0");
        }
    }

    @Test
    void clientExitsNonZeroWhenRepliesAreWrong() {
        FramedService lowercase = new FramedService() {
            @Override
            public String name() {
                return "wrong";
            }

            @Override
            public MessageHandler newHandler(ConnectionInfo c) {
                return (m, r) -> r.send(m); // echoes without uppercasing
            }
        };
        try (RunningServer server = RunningServer.start("thread-pool", ModelOptions.none().withWorkers(2), b -> b.service(lowercase))) {
            int status = Turnstile.run("client", "--port", Integer.toString(server.port()), "--clients", "2",
                    "--messages", "2", "--think-max", "0s");
            assertThat(status).isEqualTo(1);
            assertThat(out()).contains("MISMATCH").contains("mismatched 4");
        }
    }

    @Test
    void clientExitsNonZeroWhenNobodyListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int status = Turnstile.run("client", "--port", Integer.toString(port), "--clients", "2", "--messages", "2", "--think-max", "0s");
        assertThat(status).isEqualTo(1);
        assertThat(out()).contains("errors 2").contains("missing 4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"thread-per-connection", "virtual-threads", "thread-pool", "thread-pool-handoff", "elastic-pool"})
    void demoPrintsTheTranscriptAndTheSummaryWithZeroErrors(String model) {
        int status = Turnstile.run("demo", "--model", model, "--clients", "5", "--messages", "3", "--think-max", "50ms");
        assertThat(status).as(out() + err()).isZero();
        assertThat(out()).contains(" serving ").contains("closing (peer closed)")
                .contains("sent 15, verified 15, mismatched 0, missing 0, errors 0").contains("result: OK");
        assertThat(err()).doesNotContain("Exception");
    }

    @Test
    void unknownModelIsOneClearLineAndExitTwo() {
        int status = Turnstile.run("demo", "--model", "fork-bomb");
        assertThat(status).isEqualTo(2);
        assertThat(err()).contains("unknown model 'fork-bomb'").contains("thread-pool").doesNotContain("\tat ");
    }

    @Test
    void badOptionValueIsOneClearLineAndExitTwo() {
        assertThat(Turnstile.run("serve", "--idle-timeout", "soon")).isEqualTo(2);
        assertThat(err()).contains("not a duration").doesNotContain("\tat ");
        assertThat(Turnstile.run("serve", "--workers", "0", "--port", "0")).isEqualTo(2);
        assertThat(err()).contains("--workers must be >= 1 (got 0)");
    }

    @Test
    void writeAndMessageTimeoutsShowTheirDefaultsAndRefuseZeroNamingTheKnob() {
        assertThat(Turnstile.run("serve", "--help")).isZero();
        assertThat(out()).contains("--write-timeout=DURATION", "--message-timeout=DURATION", "default: 30s");
        assertThat(Turnstile.run("serve", "--write-timeout", "0s", "--port", "0")).isEqualTo(2);
        assertThat(err()).contains("writeTimeout must be positive").doesNotContain("\tat ");
        assertThat(Turnstile.run("serve", "--message-timeout", "0ms", "--port", "0")).isEqualTo(2);
        assertThat(err()).contains("messageTimeout must be positive").doesNotContain("\tat ");
    }

    @Test
    void portInUseIsOneClearLineAndExitOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int status = Turnstile.run("serve", "--port", Integer.toString(taken.getLocalPort()));
            assertThat(status).isEqualTo(1);
            assertThat(err()).contains("already in use").doesNotContain("\tat ");
        }
    }

    @Test
    void modelsListsEveryModelWithItsOptions() {
        assertThat(Turnstile.run("models")).isZero();
        assertThat(out()).contains("thread-per-connection", "virtual-threads", "thread-pool", "thread-pool-handoff",
                "elastic-pool", "--workers N", "--keep-alive");
    }

    @Test
    void everyCommandsHelpPrintsWithoutAPicocliWarning() {
        for (String command : new picocli.CommandLine(new Turnstile()).getSubcommands().keySet()) {
            if (command.equals("help")) {
                continue;
            }
            out.reset();
            err.reset();
            assertThat(Turnstile.run(command, "--help")).as(command).isZero();
            assertThat(out()).as(command).contains("Usage: turnstile " + command);
            assertThat(err()).as(command + " --help wrote to stderr").doesNotContain("WARN").isEmpty();
        }
    }

    @Test
    void serveHelpListsTheOptionsUnderTopicHeadings() {
        assertThat(Turnstile.run("serve", "--help")).isZero();
        assertThat(out()).containsSubsequence("Service, address and framing:", "--model", "--port",
                "Limits and timeouts:", "--max-connections", "--idle-timeout",
                "Thread models:", "--workers", "Event loops:", "--loops", "Process models:", "--max-children",
                "Operations:", "--drain", "--pid-file");
        assertThat(err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "demo"})
    void everyServerOptionHasATopic(String command) {
        picocli.CommandLine.Model.CommandSpec spec = Turnstile.commandLine().getSubcommands().get(command).getCommandSpec();
        java.util.Set<String> topical = new java.util.HashSet<>();
        OptionTopics.TOPICS.values().forEach(topical::addAll);
        assertThat(spec.options().stream().filter(o -> o.group() == null && !o.usageHelp() && !o.versionHelp())
                .map(o -> o.longestName()).filter(topical::contains).toList())
                .as("options a topic lists but the help shows outside it").isEmpty();
        // the options shared by serve and demo, where new server options go: each must have a topic
        assertThat(new picocli.CommandLine(new ServerOptions()).getCommandSpec().options().stream()
                .map(o -> o.longestName()).filter(n -> !topical.contains(n)).toList())
                .as("server options with no topic in OptionTopics").isEmpty();
    }
}
