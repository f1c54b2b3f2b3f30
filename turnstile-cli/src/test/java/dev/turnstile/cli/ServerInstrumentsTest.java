package dev.turnstile.cli;

import dev.turnstile.core.Server;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --access-log, --access-log-format and --jmx, wired as serve and demo wire them, on real servers. */
@Timeout(120)
class ServerInstrumentsTest {

    @TempDir
    Path dir;

    private static ServerOptions parse(String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        return serve.server;
    }

    @Test
    void refusesAnUnknownAccessLogFormatNamingTheOption() {
        assertThatThrownBy(() -> ServerInstruments.of(parse("--access-log", "-", "--access-log-format", "xml")))
                .hasMessage("--access-log-format must be text or json (got 'xml')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"event-loop", "process-pool"})
    @Tag("process")
    void logsEveryClosedConnectionAndPublishesTheMetersOverJmx(String model) throws Exception {
        Path log = dir.resolve(model + ".log");
        ServerOptions options = parse("--model", model, "--workers", "2", "--port", "0", "--host", "127.0.0.1",
                "--access-log", log.toString(), "--jmx");
        ObjectName accepted = new ObjectName("turnstile:name=turnstileConnectionsAccepted,type=meters");
        try (ServerInstruments instruments = ServerInstruments.of(options)) {
            Server s = instruments.attachTo(options.builder()).start();
            try {
                instruments.bind(s);
                try (LineClient c = LineClient.connect(s.port())) {
                    assertThat(c.ask("logged")).isEqualTo("LOGGED");
                }
                Poll.until("the close in the stats", Duration.ofSeconds(30), s::snapshot, st -> st.closed() == 1);
                assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(accepted, "Count")).isEqualTo(1L);
            } finally {
                s.stop(Duration.ofSeconds(5));
            }
        }
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(accepted)).isFalse();
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).contains(" peer=127.0.0.1:", " messages=1 bytes_in=7 bytes_out=7 reason=peer_closed");
    }
}
