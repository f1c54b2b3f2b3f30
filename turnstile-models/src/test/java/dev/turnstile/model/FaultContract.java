package dev.turnstile.model;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.PingPongLoad;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults lose nothing, the same in every model: a stop in the middle of a thousand ping-pong
 * conversations loses no reply, and a handler that fails as the JVM fails (a stack overflow, an
 * out-of-memory error) costs only its own connection. A subclass supplies the models as a static
 * {@code models()}; {@link FaultContractTest} those that serve in this JVM.
 */
@Timeout(300)
public abstract class FaultContract {

    /** Knobs for the handler-error cases: pools of 4, elastic 1..4. */
    static final ModelOptions OPTIONS = ModelOptions.none().withWorkers(4).withMinWorkers(1).withMaxWorkers(4)
            .withKeepAlive(Duration.ofSeconds(1));
    static final int CONVERSATIONS = 1_000;
    /** The pools that hold a worker per connection get one per conversation, so all of them talk at once. */
    static final Set<String> POOLS_OF_CONVERSATIONS = Set.of("thread-pool", "thread-pool-handoff", "elastic-pool");
    /** Each conversation's wait between a reply and its next message: keeps the two cores from saturating. */
    static final Duration PAUSE = Duration.ofMillis(10);
    /** Shorter than the conversations, which never end by themselves: the stop always reaches its force step. */
    static final Duration DRAIN = Duration.ofMillis(500);
    static final Duration BOUND = Duration.ofSeconds(60);

    static ModelOptions pingPongOptions(String model) {
        return POOLS_OF_CONVERSATIONS.contains(model)
                ? ModelOptions.none().withWorkers(CONVERSATIONS).withMinWorkers(1).withMaxWorkers(CONVERSATIONS)
                : OPTIONS;
    }

    /**
     * Pass: 1,000 conversations each take turns (a line, its reply, the next line), and the handler
     * takes a millisecond over each message, so many are mid-message at any moment; the server
     * stops with a drain shorter than they last, so it closes every one of them by force. Every
     * message the service handled reached its client completely (handled = complete replies
     * received: 0 lost), no client saw part of a reply or a wrong byte, and every connection ended
     * between messages or with its last message never read.
     */
    @ParameterizedTest
    @MethodSource("models")
    void aStopInTheMiddleOfAThousandConversationsLosesNoReply(String model) {
        try (RunningServer server = RunningServer.start(model, pingPongOptions(model),
                b -> b.framing(Framing.LINE).service(new DeliberateEcho()));
             PingPongLoad load = PingPongLoad.start(server.port(), CONVERSATIONS, PAUSE)) {
            load.awaitEveryConnectionAnswered(3, BOUND);
            ShutdownReport report = server.stop(DRAIN);
            PingPongLoad.Tally tally = load.awaitAllClosed(Duration.ofSeconds(30));
            long handled = server.stats().messages();
            System.out.printf("%s: stop during %d conversations: %d messages handled, %d replies received, lost %d;"
                            + " closed between messages %d, with the last message unread %d, partial %d; %s%n",
                    model, CONVERSATIONS, handled, tally.answered(), handled - tally.answered(), tally.between(),
                    tally.unanswered(), tally.partial(), report);
            assertThat(tally.firstProblem()).as("first problem").isNull();
            assertThat(tally.partial()).as("replies cut mid-way").isZero();
            assertThat(tally.wrong()).as("wrong replies").isZero();
            assertThat(tally.refused()).as("refused connections").isZero();
            assertThat(handled - tally.answered()).as("replies lost: handled %d, received %d", handled, tally.answered())
                    .isZero();
            assertThat(tally.closedCleanly()).isEqualTo(CONVERSATIONS);
        }
    }

    /**
     * Pass: six clients in turn send a message whose handler fails with {@code poison}; each is
     * closed SERVER_ERROR, a bystander's conversation goes on throughout, and the server still
     * accepts and serves a fresh client (six failures outnumber a pool's four workers, so a worker
     * that died of one would show).
     */
    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("modelsAndErrors")
    void aHandlersVirtualMachineErrorClosesOnlyItsConnection(String model, String poison) {
        try (RunningServer server = RunningServer.start(model, OPTIONS,
                b -> b.framing(Framing.LINE).service(new FaultService()));
             LineClient bystander = server.connect()) {
            assertThat(bystander.ask("before")).isEqualTo("BEFORE");
            int victims = 6;
            for (int i = 1; i <= victims; i++) {
                try (LineClient victim = server.connect()) {
                    assertThat(victim.ask("hello " + i)).isEqualTo("HELLO " + i);
                    victim.send(poison + "\n");
                    assertThat(victim.closedByServer()).as("victim %d closed", i).isTrue();
                }
                int closed = i;
                server.await(i + " closed SERVER_ERROR", BOUND, s -> s.closedFor(CloseReason.SERVER_ERROR) == closed);
                assertThat(bystander.ask("during " + i)).isEqualTo("DURING " + i);
            }
            try (LineClient fresh = server.connect()) {
                assertThat(fresh.ask("fresh")).isEqualTo("FRESH");
            }
            assertThat(bystander.ask("after")).isEqualTo("AFTER");
            assertThat(server.server().failure()).isEmpty();
        }
    }
}
