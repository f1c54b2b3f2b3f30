package dev.turnstile.core;

import dev.turnstile.api.ShutdownReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stop sequence against a fake model that records each step and answers as scripted; nothing waits on time. */
@Timeout(10)
class StopSequenceTest {

    private static final Duration GRACE = Duration.ofSeconds(30);

    /** Records every step with the lifecycle state it saw; awaitEmpty answers from a script. */
    private static class FakeModel implements StopSequence.Drainable {
        final Lifecycle lifecycle;
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final List<Instant> deadlines = Collections.synchronizedList(new ArrayList<>());
        final Deque<Boolean> emptyAnswers = new ArrayDeque<>();
        int open = 3;
        int touched = 2;
        List<String> stuckLoops = List.of();
        List<String> forcedDescriptions = List.of();
        List<String> workersLeft = List.of();
        RuntimeException failOnForce;

        FakeModel(Lifecycle lifecycle, Boolean... emptyAnswers) {
            this.lifecycle = lifecycle;
            this.emptyAnswers.addAll(List.of(emptyAnswers));
        }

        private void record(String step) {
            calls.add(step + "@" + lifecycle.state());
        }

        @Override
        public void stopAccepting() {
            record("stopAccepting");
        }

        @Override
        public int openConnections() {
            record("openConnections");
            return open;
        }

        @Override
        public boolean awaitEmpty(Instant deadline) {
            record("awaitEmpty");
            deadlines.add(deadline);
            return emptyAnswers.isEmpty() || emptyAnswers.poll();
        }

        @Override
        public int closeIdleAndFlagBusy(Instant answerBy, List<String> stragglers) {
            record("closeIdleAndFlagBusy");
            stragglers.addAll(stuckLoops);
            return touched;
        }

        @Override
        public List<String> forceAll(Instant answerBy) {
            record("forceAll");
            if (failOnForce != null) {
                throw failOnForce;
            }
            return forcedDescriptions;
        }

        @Override
        public List<String> stopWorkers(Instant deadline) {
            record("stopWorkers");
            deadlines.add(deadline);
            return workersLeft;
        }
    }

    private static Lifecycle running() {
        Lifecycle l = new Lifecycle();
        l.start();
        return l;
    }

    @Test
    void drainsToEmptyWithoutForcingAndCountsEveryConnectionAsDrained() {
        Lifecycle lifecycle = running();
        FakeModel model = new FakeModel(lifecycle, true);
        Instant before = Instant.now();

        ShutdownReport report = new StopSequence(lifecycle, () -> "fake").stop(GRACE, model);

        assertThat(model.calls).containsExactly("openConnections@DRAINING", "stopAccepting@DRAINING", "openConnections@DRAINING",
                "awaitEmpty@DRAINING", "stopWorkers@DRAINING");
        assertThat(report.drained()).isEqualTo(3);
        assertThat(report.forced()).isZero();
        assertThat(report.clean()).isTrue();
        assertThat(lifecycle.state()).isEqualTo(Lifecycle.State.STOPPED);
        assertThat(model.deadlines.getFirst()).isAfterOrEqualTo(before.plus(GRACE))
                .isBeforeOrEqualTo(Instant.now().plus(GRACE));
        assertThat(model.deadlines.get(1)).isAfterOrEqualTo(before.plus(StopSequence.WORKER_STOP_GRACE))
                .isBeforeOrEqualTo(Instant.now().plus(StopSequence.WORKER_STOP_GRACE));
    }

    @Test
    void closesIdleAndFlagsBusyWhenTheDrainRunsOutAndStopsThereIfThatEmptiesIt() {
        Lifecycle lifecycle = running();
        FakeModel model = new FakeModel(lifecycle, false, true);
        Instant before = Instant.now();

        ShutdownReport report = new StopSequence(lifecycle, () -> "fake").stop(GRACE, model);

        assertThat(model.calls).containsExactly("openConnections@DRAINING", "stopAccepting@DRAINING", "openConnections@DRAINING",
                "awaitEmpty@DRAINING", "closeIdleAndFlagBusy@FORCING", "awaitEmpty@FORCING", "stopWorkers@FORCING");
        assertThat(model.deadlines.get(1)).isAfterOrEqualTo(before.plus(StopSequence.FORCE_GRACE))
                .isBeforeOrEqualTo(Instant.now().plus(StopSequence.FORCE_GRACE));
        assertThat(report.drained()).isEqualTo(1);
        assertThat(report.forced()).isEqualTo(2);
        assertThat(report.stragglers()).isEmpty();
        assertThat(lifecycle.state()).isEqualTo(Lifecycle.State.STOPPED);
    }

    @Test
    void forcesWhatIsLeftAndReportsEveryStragglerInTheOrderFound() {
        Lifecycle lifecycle = running();
        FakeModel model = new FakeModel(lifecycle, false, false, false);
        model.open = 1;
        model.touched = 4; // more touched than counted open: drained never goes below zero
        model.stuckLoops = List.of("loop-1 did not answer");
        model.forcedDescriptions = List.of("conn-7 forced");
        model.workersLeft = List.of("worker-2 did not stop");

        ShutdownReport report = new StopSequence(lifecycle, () -> "fake").stop(GRACE, model);

        assertThat(model.calls).containsExactly("openConnections@DRAINING", "stopAccepting@DRAINING", "openConnections@DRAINING",
                "awaitEmpty@DRAINING", "closeIdleAndFlagBusy@FORCING", "awaitEmpty@FORCING", "forceAll@FORCING",
                "awaitEmpty@FORCING", "stopWorkers@FORCING");
        assertThat(report.stragglers()).containsExactly("loop-1 did not answer", "conn-7 forced",
                "worker-2 did not stop");
        assertThat(report.drained()).isZero();
        assertThat(report.forced()).isEqualTo(4);
        assertThat(report.clean()).isFalse();
        assertThat(lifecycle.state()).isEqualTo(Lifecycle.State.STOPPED);
    }

    @Test
    void aModelThatNeverStartedOrHasNothingToStopStopsAtOnceWithoutTouchingItsSteps() {
        Lifecycle fresh = new Lifecycle();
        FakeModel model = new FakeModel(fresh);
        ShutdownReport neverStarted = new StopSequence(fresh, () -> "fake").stop(GRACE, model);
        assertThat(model.calls).isEmpty();
        assertThat(neverStarted).isEqualTo(new ShutdownReport(Duration.ZERO, 0, 0, List.of()));
        assertThat(fresh.state()).isEqualTo(Lifecycle.State.STOPPED);

        Lifecycle started = running();
        ShutdownReport nothing = new StopSequence(started, () -> "fake").stop(GRACE, null);
        assertThat(nothing).isEqualTo(new ShutdownReport(Duration.ZERO, 0, 0, List.of()));
        assertThat(started.state()).isEqualTo(Lifecycle.State.STOPPED);
    }

    @Test
    void everyCallerWaitsForTheOneStopAndGetsItsReport() throws Exception {
        Lifecycle lifecycle = running();
        CountDownLatch draining = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FakeModel model = new FakeModel(lifecycle) {
            @Override
            public boolean awaitEmpty(Instant deadline) {
                draining.countDown();
                try {
                    return release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        };
        StopSequence sequence = new StopSequence(lifecycle, () -> "fake");
        CompletableFuture<ShutdownReport> first = CompletableFuture.supplyAsync(() -> sequence.stop(GRACE, model));
        assertTrue(draining.await(5, TimeUnit.SECONDS));
        CompletableFuture<ShutdownReport> second = CompletableFuture.supplyAsync(
                () -> sequence.stop(Duration.ZERO, new FakeModel(lifecycle)));
        assertThat(second).isNotDone();
        assertThat(lifecycle.state()).isEqualTo(Lifecycle.State.DRAINING);

        release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS)).isSameAs(second.get(5, TimeUnit.SECONDS));
        assertThat(sequence.stop(GRACE, model)).isSameAs(first.get());
        assertThat(model.calls).containsOnlyOnce("stopAccepting@DRAINING");
    }

    @Test
    void aStepThatThrowsStillLeavesTheModelStoppedAndEveryCallerSeesWhy() {
        Lifecycle lifecycle = running();
        FakeModel model = new FakeModel(lifecycle, false, false);
        model.failOnForce = new IllegalStateException("boom");
        StopSequence sequence = new StopSequence(lifecycle, () -> "fake");

        assertThatThrownBy(() -> sequence.stop(GRACE, model)).hasRootCauseMessage("boom");
        assertThat(lifecycle.state()).isEqualTo(Lifecycle.State.STOPPED);
        assertThatThrownBy(() -> sequence.stop(GRACE, model)).hasRootCauseMessage("boom");
        assertThat(model.calls).containsOnlyOnce("forceAll@FORCING");
    }

    /** A clock that moves only when told. */
    private static final class HandClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void aLoopDrivesTheSameStepsByDeadlineOnItsOwnClock() {
        Lifecycle lifecycle = running();
        HandClock clock = new HandClock();
        Duration kill = Duration.ofSeconds(2);
        StopSequence sequence = new StopSequence(lifecycle, () -> "master", clock,
                new StopSequence.Timings(kill, ChronoUnit.FOREVER.getDuration(), Duration.ZERO));
        FakeModel model = new FakeModel(lifecycle);
        model.forcedDescriptions = List.of("pid 7 killed");
        Instant began = clock.instant();

        sequence.begin(Duration.ofSeconds(5), model);
        assertThat(sequence.deadline()).isEqualTo(began.plusSeconds(5));
        clock.advance(Duration.ofSeconds(5));
        assertThat(sequence.forceNext()).isTrue();
        assertThat(sequence.deadline()).isEqualTo(began.plusSeconds(7));
        clock.advance(kill);
        assertThat(sequence.forceNext()).isTrue();
        assertThat(sequence.deadline()).as("the last wait never runs out").isEqualTo(Instant.MAX);
        assertThat(sequence.forceNext()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        ShutdownReport report = sequence.finish();

        assertThat(model.calls).containsExactly("openConnections@DRAINING", "stopAccepting@DRAINING", "openConnections@DRAINING",
                "closeIdleAndFlagBusy@FORCING", "forceAll@FORCING", "stopWorkers@FORCING");
        assertThat(report).isEqualTo(new ShutdownReport(Duration.ofSeconds(8), 1, 2, List.of("pid 7 killed")));
        assertThat(lifecycle.state()).isEqualTo(Lifecycle.State.STOPPED);
    }

    @Test
    void aStopDrivenByItsLoopIsBegunOnceAndFinishedOnce() {
        Lifecycle lifecycle = running();
        StopSequence sequence = new StopSequence(lifecycle, () -> "master", new HandClock(),
                StopSequence.Timings.IN_PROCESS);
        FakeModel model = new FakeModel(lifecycle);
        assertThatThrownBy(sequence::finish).isInstanceOf(IllegalStateException.class);

        sequence.begin(Duration.ZERO, model);
        assertThatThrownBy(() -> sequence.begin(Duration.ZERO, model)).isInstanceOf(IllegalStateException.class);
        assertThat(sequence.finish().drained()).isEqualTo(3);
        assertThatThrownBy(sequence::finish).isInstanceOf(IllegalStateException.class);
        assertThat(model.calls).containsOnlyOnce("stopAccepting@DRAINING");
    }
}
