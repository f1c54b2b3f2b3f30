package dev.turnstile.model.process;

import dev.turnstile.api.ConnectionLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ScoreboardTest {

    @TempDir
    Path dir;

    @Test
    void whatOneMappingWritesAnotherReads() throws IOException {
        Path file = dir.resolve("board");
        Scoreboard master = Scoreboard.create(file, 3, 4242, 20446, "process-pool", 2);
        Scoreboard worker = Scoreboard.open(file, true);
        Scoreboard status = Scoreboard.open(file, false);
        assertThat(status.slots()).isEqualTo(3);
        assertThat(status.masterPid()).isEqualTo(4242);
        assertThat(status.port()).isEqualTo(20446);
        assertThat(status.model()).isEqualTo("process-pool");
        assertThat(status.threadsPerWorker()).isEqualTo(2);

        master.slot(1).prepareForSpawn(1000);
        master.slot(1).spawned(777);
        assertThat(status.slot(1).state()).isEqualTo(Scoreboard.State.STARTING);
        worker.slot(1).state(Scoreboard.State.BUSY);
        worker.slot(1).counters(5, 1, 42, 300, 310);
        worker.slot(1).peer(new InetSocketAddress("127.0.0.1", 5555));
        worker.slot(1).note("cannot boot: x");
        Scoreboard.Slot seen = status.slot(1);
        assertThat(seen.pid()).isEqualTo(777);
        assertThat(seen.state()).isEqualTo(Scoreboard.State.BUSY);
        assertThat(seen.messages()).isEqualTo(42);
        assertThat(seen.peer()).isEqualTo(new InetSocketAddress("127.0.0.1", 5555));
        assertThat(seen.note()).isEqualTo("cannot boot: x");
        assertThat(seen.generation()).isEqualTo(1);
        assertThat(status.slot(0).state()).isEqualTo(Scoreboard.State.FREE);

        master.slot(1).free();
        master.slot(1).prepareForSpawn(2000);
        assertThat(seen.generation()).isEqualTo(2);
        assertThat(seen.messages()).as("a new generation starts from zero").isZero();
        master.delete();
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void eventRingKeepsTheLastEventsInOrder() {
        Scoreboard.Slot slot = Scoreboard.inMemory(1, "test").slot(0);
        InetSocketAddress peer = new InetSocketAddress("::1", 4000);
        for (int i = 0; i < Scoreboard.RING_EVENTS + 10; i++) {
            slot.appendEvent(new ConnectionEvent(i % 2 == 0 ? ConnectionEvent.Kind.OPENED : ConnectionEvent.Kind.CLOSED,
                    i % 2 == 0 ? 0 : 3, i / 2 + 1, peer, 100 + i));
        }
        long head = slot.eventHead();
        assertThat(head).isEqualTo(Scoreboard.RING_EVENTS + 10);
        ConnectionEvent last = slot.event(head - 1);
        assertThat(last.kind()).isEqualTo(ConnectionEvent.Kind.CLOSED);
        assertThat(last.reasonOrdinal()).isEqualTo(3);
        assertThat(last.id()).isEqualTo((Scoreboard.RING_EVENTS + 10) / 2);
        assertThat(last.peer()).isEqualTo(peer);
        assertThat(slot.event(head - Scoreboard.RING_EVENTS).atMillis()).isEqualTo(110);
    }

    @Test
    void theLimitsTheHoldsAndTheEventOrderAreSharedBetweenMappings() throws IOException {
        Path file = dir.resolve("limits");
        Scoreboard master = Scoreboard.create(file, 2, 4242, 20446, "process-pool", 2,
                new ConnectionLimits(10, 2, 5));
        Scoreboard worker = Scoreboard.open(file, true);
        assertThat(worker.limits()).isEqualTo(new ConnectionLimits(10, 2, 5));
        master.slot(0).prepareForSpawn(1000);
        master.slot(1).prepareForSpawn(1000);
        long v4 = Scoreboard.sourceKey(InetAddress.getByName("127.0.0.1"));
        long v6 = Scoreboard.sourceKey(InetAddress.getByName("::1"));
        assertThat(v4).isNotEqualTo(v6).isNotZero();
        assertThat(worker.slot(0).hold(v4)).isTrue();
        assertThat(worker.slot(1).hold(v4)).isTrue();
        assertThat(worker.slot(1).hold(v6)).isTrue();
        assertThat(worker.slot(1).hold(v6)).as("two holds per slot: one per thread").isFalse();
        assertThat(master.heldFrom(v4)).isEqualTo(2);
        worker.slot(1).addOpen(1);
        worker.slot(0).addPermits(1);
        master.slot(1).free(); // reaped: what it held goes back
        assertThat(master.heldFrom(v4)).isEqualTo(1);
        assertThat(master.heldFrom(v6)).isZero();
        assertThat(master.openInAllSlots()).isZero();
        assertThat(master.permitsInAllSlots()).isEqualTo(1);

        InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 4000);
        worker.slot(1).appendEvent(new ConnectionEvent(ConnectionEvent.Kind.OPENED, 0, 1, peer, 1));
        worker.slot(0).appendEvent(new ConnectionEvent(ConnectionEvent.Kind.OPENED, 0, 1, peer, 1));
        assertThat(master.slot(1).eventSequence(0)).as("written first, across slots")
                .isLessThan(master.slot(0).eventSequence(0));
        master.delete();
    }

    @Test
    void aFileThatIsNotAScoreboardIsRefused() throws IOException {
        Path file = Files.write(dir.resolve("junk"), new byte[4096]);
        assertThatThrownBy(() -> Scoreboard.open(file, false)).hasMessageContaining("is not a turnstile scoreboard");
    }
}
