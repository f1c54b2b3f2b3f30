package dev.turnstile.cli;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.model.process.ExecCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class ProcessOptionsTest {

    private static ModelOptions parse(String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        return serve.server.modelOptions();
    }

    @Test
    void execTakesTheRestOfTheLineDashesAndQuotesIncluded() {
        String loop = "while IFS= read -r line; do printf '%s\\n' \"$line\" | tr a-z A-Z; done";
        ModelOptions o = parse("--model", "process-per-connection", "--max-children", "3", "--exec", "sh", "-c", loop);
        assertThat(ExecCommand.split(o.extra("exec").orElseThrow())).containsExactly("sh", "-c", loop);
        assertThat(o.extra("max-children")).contains("3");
    }

    @Test
    void poolOptionsReachTheModel() {
        ModelOptions o = parse("--model", "process-pool", "--workers", "3", "--min-spare", "1", "--max-spare", "2",
                "--threads-per-worker", "4", "--max-connections-per-worker", "1000", "--balance", "reuseport",
                "--max-restarts", "5", "--restart-window", "30s", "--worker-heap", "128m", "--cds", "off",
                "--worker-model", "event-loop", "--worker-capacity", "500");
        assertThat(o.workers()).contains(3);
        assertThat(o.extra()).containsEntry("worker-model", "event-loop").containsEntry("worker-capacity", "500");
        assertThat(o.extra()).containsEntry("min-spare", "1").containsEntry("max-spare", "2")
                .containsEntry("threads-per-worker", "4").containsEntry("max-connections-per-worker", "1000")
                .containsEntry("balance", "reuseport").containsEntry("max-restarts", "5")
                .containsEntry("restart-window", "30000ms").containsEntry("worker-heap", "128m").containsEntry("cds", "off");
    }

    @Test
    void statusWithoutAServerSaysSoInOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Turnstile.run("status", "--port", "1")).isEqualTo(1);
        } finally {
            System.setErr(saved);
        }
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).singleElement().asString()
                .startsWith("turnstile status: nothing answers at http://127.0.0.1:1/status.json").contains("--admin-port");
    }
}
