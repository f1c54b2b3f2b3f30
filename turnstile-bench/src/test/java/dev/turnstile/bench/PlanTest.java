package dev.turnstile.bench;

import dev.turnstile.loadgen.Workload;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class PlanTest {

    private static final Contender POOL_3 = new Contender("pool-3", List.of("--model", "thread-pool", "--workers", "3"),
            OptionalInt.of(3), "3 workers");
    private static final Contender UNBOUNDED = new Contender("per-conn", List.of("--model", "x"),
            OptionalInt.empty(), "unbounded");

    @Test
    void lineupHasEveryRegisteredModelThePoolOfThreeAndNetty() {
        List<String> names = Lineup.all().stream().map(Contender::name).toList();
        assertThat(names).contains("thread-per-connection", "virtual-threads", "thread-pool", "thread-pool-3",
                "thread-pool-handoff", "thread-pool-handoff-3", "elastic-pool", "netty");
        if (Lineup.PROCESSORS > 1) { // the peer for multi-loop, which runs a loop per processor by default
            Contender nettyN = Lineup.select(List.of("netty-" + Lineup.PROCESSORS)).getFirst();
            assertThat(nettyN.serverArgs()).containsSequence("--loops", String.valueOf(Lineup.PROCESSORS));
            assertThat(nettyN.isPeer()).isTrue();
            assertThat(Lineup.peerOf("multi-loop")).hasValue(nettyN.name());
        }
        assertThat(Lineup.peerOf("event-loop")).hasValue("netty");
        assertThat(Lineup.peerOf("thread-pool")).isEmpty();
        Contender pool = Lineup.select(List.of("thread-pool")).getFirst();
        assertThat(pool.capacity()).hasValue(40);
        assertThat(pool.serverArgs()).containsSequence("--workers", "40");
        assertThat(Lineup.select(List.of("elastic-pool")).getFirst().capacity()).hasValue(64);
        assertThat(Lineup.select(List.of("virtual-threads")).getFirst().capacity()).isEmpty();
    }

    @Test
    void lineupReadsTheSizeAModelStatesInItsOptions() {
        assertThat(Lineup.of(provider("queue", true, List.of("--workers N (default 8)"))))
                .extracting(Contender::name, Contender::capacity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("queue", OptionalInt.of(8)),
                        org.assertj.core.groups.Tuple.tuple("queue-3", OptionalInt.of(3)));
        Contender children = Lineup.of(provider("forks", true, List.of("--max-children N (default 40)"))).getFirst();
        assertThat(children.capacity()).hasValue(40);
        assertThat(children.serverArgs()).containsSequence("--option", "max-children=40"); // ServerProcess has no --max-children flag
        assertThat(Lineup.of(provider("per-conn", true, List.of("--max-connections N"))).getFirst().capacity()).isEmpty();
    }

    @Test
    void anEventLoopsWorkersDoNotBoundItsConnections() {
        List<Contender> loop = Lineup.of(provider("loop-with-workers", false,
                List.of("--workers N (default 8)", "--loops N (default: processors)")));
        assertThat(loop).singleElement().satisfies(c -> {
            assertThat(c.capacity()).isEmpty();
            assertThat(c.serverArgs()).containsExactly("--model", "loop-with-workers");
        });
    }

    @Test
    void unknownModelNameListsTheKnownOnes() {
        assertThatThrownBy(() -> Lineup.select(List.of("nope")))
                .hasMessageContaining("unknown model 'nope'").hasMessageContaining("netty");
    }

    @Test
    void boundedModelsAreNotAskedToHoldMoreConnectionsThanTheyServe() {
        assertThat(Feasibility.skipReason(new Cell(POOL_3, Workload.PING_PONG, 3))).isEmpty();
        assertThat(Feasibility.skipReason(new Cell(POOL_3, Workload.PING_PONG, 10)))
                .hasValueSatisfying(why -> assertThat(why).contains("serves 3 connections", "7 would wait"));
        assertThat(Feasibility.skipReason(new Cell(POOL_3, Workload.THINK, 100))).isPresent();
        assertThat(Feasibility.skipReason(new Cell(POOL_3, Workload.CHURN, 100))).isEmpty();
        assertThat(Feasibility.skipReason(new Cell(UNBOUNDED, Workload.PING_PONG, 10_000))).isEmpty();
        assertThat(Feasibility.skipReason(new Cell(UNBOUNDED, Workload.CHURN, 10_000)))
                .hasValueSatisfying(why -> assertThat(why).contains("ephemeral ports"));
    }

    @Test
    void aBoundedModelGetsACellAtItsOwnSize() {
        BenchPlan plan = BenchPlan.full(Path.of("out")).withContenders(List.of(POOL_3, UNBOUNDED));
        assertThat(plan.connectionsFor(POOL_3)).containsExactly(1, 3, 10, 100, 1_000, 10_000);
        assertThat(plan.connectionsFor(UNBOUNDED)).containsExactly(1, 10, 100, 1_000, 10_000);
        assertThat(plan.cells()).hasSize(3 * 6 + 3 * 5);
    }

    @Test
    void roundsRunEachCaseBackToBackStartingWithAnotherContenderEachRound() {
        BenchPlan plan = BenchPlan.full(Path.of("out")).withContenders(List.of(POOL_3, UNBOUNDED))
                .withWorkloads(List.of(Workload.PING_PONG)).withConnections(List.of(1, 10)).withRounds(3);
        List<String> order = plan.cells().stream()
                .map(c -> c.round() + ":" + c.contender().name() + "@" + c.connections()).toList();
        assertThat(order).containsExactly(
                "1:pool-3@1", "1:per-conn@1", "1:pool-3@3", "1:pool-3@10", "1:per-conn@10",
                "2:per-conn@1", "2:pool-3@1", "2:pool-3@3", "2:per-conn@10", "2:pool-3@10",
                "3:pool-3@1", "3:per-conn@1", "3:pool-3@3", "3:pool-3@10", "3:per-conn@10");
        assertThat(plan.cells().stream().map(Cell::label).distinct()).hasSize(15); // log files do not collide
        assertThatThrownBy(() -> plan.withRounds(0)).hasMessageContaining("rounds must be >= 1");
    }

    @Test
    void planRejectsEmptyAndNonsenseSettingsNamingTheKnob() {
        BenchPlan plan = BenchPlan.quick(Path.of("out"));
        assertThatThrownBy(() -> plan.withConnections(List.of(0))).hasMessageContaining("connections");
        assertThatThrownBy(() -> plan.withWorkloads(List.of())).hasMessageContaining("workloads");
        assertThatThrownBy(() -> plan.withTiming(java.time.Duration.ZERO, java.time.Duration.ZERO))
                .hasMessageContaining("duration");
        assertThatThrownBy(() -> plan.withWorkloads(List.of(Workload.RATE)))
                .hasMessageContaining("the bench runs ping-pong, think, churn");
    }

    private static ModelProvider provider(String name, boolean sessions, List<String> options) {
        return new ModelProvider() {
            public String name() {
                return name;
            }

            public String description() {
                return name;
            }

            public List<String> options() {
                return options;
            }

            public boolean runsSessions() {
                return sessions;
            }

            public ServerModel create(ModelOptions o) {
                throw new UnsupportedOperationException("not started in this test");
            }
        };
    }
}
