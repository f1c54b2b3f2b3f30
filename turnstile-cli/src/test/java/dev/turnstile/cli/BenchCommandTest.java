package dev.turnstile.cli;

import dev.turnstile.bench.BenchPlan;
import dev.turnstile.bench.Contender;
import dev.turnstile.bench.SoakPlan;
import dev.turnstile.loadgen.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code turnstile bench} options become the plan; bad ones are one-line errors. The run itself is tested in turnstile-bench. */
@Timeout(30)
class BenchCommandTest {

    @Test
    void optionsBecomeThePlan() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs("--models", "netty,thread-pool-3", "--connections", "1,3,10000",
                "--workloads", "churn", "--warmup", "500ms", "--duration", "3s", "--think-max", "2s", "--tls", "--out", "x");
        BenchPlan plan = command.plan();
        assertThat(plan.tls()).isTrue();
        assertThat(plan.contenders()).extracting(Contender::name).containsExactly("netty", "thread-pool-3");
        assertThat(plan.connections()).containsExactly(1, 3, 10_000);
        assertThat(plan.workloads()).containsExactly(Workload.CHURN);
        assertThat(plan.warmup()).hasMillis(500);
        assertThat(plan.duration()).hasSeconds(3);
        assertThat(plan.thinkMax()).hasSeconds(2);
        assertThat(plan.out()).isEqualTo(Path.of("x"));
    }

    @Test
    void quickIsTheCiPlanAndFullIsTheDefault() {
        BenchCommand quick = new BenchCommand();
        new CommandLine(quick).parseArgs("--quick");
        assertThat(quick.plan().cells()).hasSize(BenchPlan.quick(Path.of("q")).cells().size());
        assertThat(quick.plan().out()).isEqualTo(Path.of("bench-results", "quick"));
        BenchCommand full = new BenchCommand();
        new CommandLine(full).parseArgs();
        assertThat(full.plan().connections()).containsExactly(1, 10, 100, 1_000, 10_000);
        assertThat(full.plan().workloads()).containsExactly(Workload.PING_PONG, Workload.THINK, Workload.CHURN);
        assertThat(full.plan().tls()).isFalse();
    }

    @Test
    void evidenceTakesQuickAndOutOnly() {
        BenchCommand quick = new BenchCommand();
        new CommandLine(quick).parseArgs("--evidence", "--quick");
        assertThat(quick.evidencePlan().quick()).isTrue();
        assertThat(quick.evidencePlan().out()).isEqualTo(Path.of("bench-results", "evidence-quick"));
        BenchCommand full = new BenchCommand();
        new CommandLine(full).parseArgs("--evidence", "--out", "docs/evidence");
        assertThat(full.evidencePlan().quick()).isFalse();
        assertThat(full.evidencePlan().out()).isEqualTo(Path.of("docs/evidence"));
        BenchCommand mixed = new BenchCommand();
        new CommandLine(mixed).parseArgs("--evidence", "--models", "event-loop");
        assertThatThrownBy(mixed::evidencePlan).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--evidence takes only --quick and --out");
    }

    @Test
    void soakTakesTenMinutesOfTheDefaultModelUnlessTold() {
        BenchCommand byDefault = new BenchCommand();
        new CommandLine(byDefault).parseArgs("--soak");
        SoakPlan plan = byDefault.soakPlan();
        assertThat(plan.duration()).isEqualTo(SoakPlan.DEFAULT_DURATION);
        assertThat(plan.contenders()).extracting(Contender::name).containsExactly(SoakPlan.DEFAULT_MODEL);
        assertThat(plan.out()).isEqualTo(Path.of("bench-results", "soak"));
        assertThat(plan.interval()).hasSeconds(1);

        BenchCommand told = new BenchCommand();
        new CommandLine(told).parseArgs("--soak", "30s", "--models", "event-loop,thread-pool", "--out", "s");
        assertThat(told.soakPlan().duration()).hasSeconds(30);
        assertThat(told.soakPlan().contenders()).extracting(Contender::name).containsExactly("event-loop", "thread-pool");
        assertThat(told.soakPlan().out()).isEqualTo(Path.of("s"));
    }

    @Test
    void soakWithMatrixOptionsIsAOneLineErrorWithExitTwo() {
        assertThat(Turnstile.run("bench", "--soak", "1s", "--connections", "10", "--out", "target/never-written"))
                .isEqualTo(2);
    }

    @Test
    void reportWithoutResultsIsAOneLineErrorWithExitOne() {
        assertThat(Turnstile.run("bench", "--report", "target/no-such-run")).isEqualTo(1);
    }

    @Test
    void unknownModelIsAOneLineErrorWithExitTwo() {
        int status = Turnstile.run("bench", "--models", "nope", "--out", "target/never-written");
        assertThat(status).isEqualTo(2);
    }
}
