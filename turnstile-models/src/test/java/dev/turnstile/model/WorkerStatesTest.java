package dev.turnstile.model;

import dev.turnstile.api.ServerStats;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.api.WorkerKind;
import dev.turnstile.api.WorkerState;
import dev.turnstile.echo.EchoUppercase;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import dev.turnstile.testing.TestModels;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the status page shows, per in-process model: each open connection with its counters and
 * state, and each worker's state: READING while a connection waits for input (a loop is IDLE in
 * select), HANDLING while a handler runs, and the counts after the close. Also the handler-time
 * sink, told once per handled message.
 */
@Timeout(120)
class WorkerStatesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    static Stream<String> models() {
        return TestModels.inProcess();
    }

    /** Echo-uppercase whose {@code block} message waits for {@link #release} after counting down {@link #entered}. */
    static final class BlockingEcho implements FramedService {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String name() {
            return "blocking-echo";
        }

        @Override
        public MessageHandler newHandler(ConnectionInfo connection) {
            return (message, replies) -> {
                if (StandardCharsets.UTF_8.decode(message.duplicate()).toString().equals("block")) {
                    entered.countDown();
                    try {
                        if (!release.await(20, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("never released");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while blocked", e);
                    }
                }
                EchoUppercase.answer(message, replies);
            };
        }
    }

    private static StatsSnapshot.Worker workerOf(StatsSnapshot s, String name) {
        return s.workers().stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
    }

    private static boolean isLoop(StatsSnapshot s, String worker) {
        return workerOf(s, worker).kind() == WorkerKind.LOOP;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void showsAConnectionWaitingForInputAsReadingWithItsCounters(String model) {
        try (RunningServer server = RunningServer.start(model, ModelContract.OPTIONS);
             LineClient client = server.connect()) {
            assertEquals("HELLO", client.ask("hello"));
            StatsSnapshot s = server.await("the connection listed as reading, with its message and bytes", WAIT,
                    x -> x.connections().size() == 1 && x.connections().getFirst().state() == WorkerState.READING
                            && x.connections().getFirst().messages() == 1
                            && x.connections().getFirst().bytesOut() == 6);
            StatsSnapshot.Connection c = s.connections().getFirst();
            assertEquals(6, c.bytesIn());
            assertTrue(c.peer().startsWith("127.0.0.1:"), c.peer());
            WorkerState expected = isLoop(s, c.worker()) ? WorkerState.IDLE : WorkerState.READING;
            server.await(c.worker() + " " + expected.label(), WAIT, x -> workerOf(x, c.worker()).state() == expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void showsABlockedHandlerAsHandling(String model) throws InterruptedException {
        BlockingEcho service = new BlockingEcho();
        try (RunningServer server = RunningServer.start(model, ModelContract.OPTIONS, b -> b.service(service));
             LineClient client = server.connect()) {
            client.send("block\n");
            assertTrue(service.entered.await(10, TimeUnit.SECONDS), "the handler was entered");
            StatsSnapshot s = server.await("the connection handling", WAIT,
                    x -> x.connections().size() == 1 && x.connections().getFirst().state() == WorkerState.HANDLING);
            String worker = s.connections().getFirst().worker();
            if (!model.equals("loop-with-workers")) { // there the handler runs on a pool thread; the loop is free
                assertEquals(WorkerState.HANDLING, workerOf(s, worker).state());
            }
            service.release.countDown();
            assertEquals("BLOCK", client.readLine());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void forgetsAClosedConnectionAndFreesItsWorker(String model) {
        try (RunningServer server = RunningServer.start(model, ModelContract.OPTIONS)) {
            String worker;
            try (LineClient client = server.connect()) {
                assertEquals("HI", client.ask("hi"));
                worker = server.await("one open connection", WAIT, x -> x.connections().size() == 1)
                        .connections().getFirst().worker();
            }
            StatsSnapshot s = server.await("no connection listed", WAIT,
                    x -> x.active() == 0 && x.connections().isEmpty());
            assertEquals(1, s.closed());
            server.await(worker + " idle or retiring", WAIT, x -> workerOf(x, worker).state() == WorkerState.IDLE
                    || workerOf(x, worker).state() == WorkerState.RETIRING);
            assertEquals(1, workerOf(server.stats(), worker).messages());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void timesOneHandledMessageInEachEightOnlyWhenASinkIsSet(String model) {
        List<Long> times = new CopyOnWriteArrayList<>();
        try (RunningServer server = RunningServer.start(model, ModelContract.OPTIONS);
             LineClient client = server.connect()) {
            assertEquals("A", client.ask("a"));
            server.server().stats().handlerTimeSink(times::add);
            for (int i = 0; i < 2 * ServerStats.HANDLER_TIMING_SAMPLE + 1; i++) { // the 1st, 9th and 17th are timed
                assertEquals("B" + i, client.ask("b" + i));
            }
            server.server().stats().handlerTimeSink(null);
            assertEquals("D", client.ask("d"));
            assertEquals(3, times.size(), "one time per 8 messages handled while the sink was set: " + times);
            assertTrue(times.stream().allMatch(t -> t >= 0), times.toString());
        }
    }
}
