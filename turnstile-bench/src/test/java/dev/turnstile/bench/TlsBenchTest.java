package dev.turnstile.bench;

import dev.turnstile.loadgen.Workload;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS cells for real: the bench makes a certificate, the Netty peer ({@code SslHandler}, JDK
 * provider) and a turnstile model serve TLS with it, and the load process trusts it.
 */
@Tag("process")
@Timeout(180)
class TlsBenchTest {

    @Test
    void nettyAndModelCellsRunOverTls(@TempDir Path out) throws Exception {
        BenchPlan plan = BenchPlan.quick(out).withContenders(Lineup.select(List.of("netty", "event-loop")))
                .withWorkloads(List.of(Workload.PING_PONG, Workload.CHURN)).withConnections(List.of(1))
                .withTiming(Duration.ofMillis(500), Duration.ofSeconds(1)).withTls(true);
        // one connection: a cold JVM's first handshakes cost tens of milliseconds of CPU each (JIT-cold
        // EC arithmetic), and on a busy shared machine a few at once can pass the load's 10 s connect timeout
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        BenchResults results = Bench.run(plan, new PrintStream(progress, true, StandardCharsets.UTF_8));

        String shown = progress.toString(StandardCharsets.UTF_8);
        assertThat(results.cells()).as(shown).hasSize(4);
        assertThat(results.cells()).as(shown).allSatisfy(r -> {
            assertThat(r.clean()).as(r.cell().label() + ": " + r.note()).isTrue();
            assertThat(r.load().tls()).isTrue();
        });
        assertThat(results.cells()).extracting(r -> r.cell().contender().name())
                .containsOnly("netty", "event-loop");
        assertThat(Files.readString(out.resolve(Bench.REPORT))).contains("--tls").contains("- TLS: every cell over TLS");
        assertThat(ResultsFile.read(out).plan().tls()).isTrue();
    }
}
