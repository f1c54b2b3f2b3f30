package dev.turnstile.model.prefork;

import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.core.AcceptGate;
import dev.turnstile.model.process.Scoreboard;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * The server's {@link ConnectionLimits} as one pool worker process applies them, together with
 * every other worker: the counts live in the {@link Scoreboard}, each worker's share in its own
 * slot, so a worker that dies (even by SIGKILL) takes its share with it when the master frees
 * its slot, and nothing leaks.
 *
 * <ul>
 * <li><b>max-connections</b>, before accept: a thread takes a permit in its slot, then sums the
 *     permits of every slot; over the limit, it gives it back and looks again a few milliseconds
 *     later (1 to 8, at random, so waiting threads do not move in step), while the listen
 *     backlog holds the connections. Take-then-sum is the store-then-load of Dekker's
 *     algorithm: with sequentially consistent atomics, of two threads racing for the last permit
 *     at least one sees the other's, so the sum never passes the limit (both may back off, and
 *     try again). A thread blocked in accept holds a permit, as in one process.</li>
 * <li><b>With {@code --balance reuseport}</b> each worker has a queue of its own, filled by the
 *     kernel's hash before anyone asks for a permit, so a worker holding a permit while blocked
 *     on an empty queue could starve one whose queue is full. There the permit is taken after
 *     accept instead ({@link PermitTaken#AFTER_ACCEPT}), once the per-source limits passed: the
 *     connection waits for it accepted but not served (at most one per accepting thread), and
 *     served connections stay within the limit.</li>
 * <li><b>max-accept-rate</b>, after accept: the source's shared bucket ({@link SharedAcceptRate}).</li>
 * <li><b>max-connections-per-ip</b>, after accept: the thread records the source in one of its
 *     slot's holds, then counts the holds of that source in every slot; over the limit, it takes
 *     its hold back and refuses. The same take-then-count: never over the limit; two connections
 *     from one source racing for its last place in two workers may both be refused.</li>
 * </ul>
 * A refusal is counted in the slot by limit, with the peer, for the master, which puts it in the
 * server's stats and logs it once per episode ({@link LimitEpisodes}); the worker does not log it.
 * An admitted connection adds to the slot's open count, and the one that brings the server to
 * max-connections counts a ceiling touch, from which the master tells the episodes.
 *
 * <p><b>Thread-safety.</b> Thread-safe: the worker's accept threads share it; every count is an
 * atomic word in shared memory.
 */
final class SharedLimits implements AcceptGate {

    /** When a thread takes its max-connections permit: see the class comment. */
    enum PermitTaken { BEFORE_ACCEPT, AFTER_ACCEPT }

    private final Scoreboard board;
    private final Scoreboard.Slot slot;
    private final int maxConnections;
    private final int maxPerIp;
    private final SharedAcceptRate rate; // null: no max-accept-rate
    private final BooleanSupplier accepting;
    private final PermitTaken permitTaken;

    /** Permits taken before accept, for workers that share one listening socket. */
    SharedLimits(Scoreboard.Slot slot, BooleanSupplier accepting) {
        this(slot, accepting, PermitTaken.BEFORE_ACCEPT);
    }

    /**
     * @param slot      this worker's slot, whose board holds the limits ({@link Scoreboard#limits()})
     * @param accepting false once the worker's listener closed: a thread waiting for a permit then gives up
     */
    SharedLimits(Scoreboard.Slot slot, BooleanSupplier accepting, PermitTaken permitTaken) {
        this.slot = slot;
        this.permitTaken = permitTaken;
        this.board = slot.board();
        ConnectionLimits limits = board.limits();
        this.maxConnections = limits.maxConnections();
        this.maxPerIp = limits.maxConnectionsPerIp();
        this.rate = limits.maxAcceptRate() == 0 ? null : new SharedAcceptRate(board, limits.maxAcceptRate());
        this.accepting = accepting;
    }

    @Override
    public boolean acquire() {
        return permitTaken == PermitTaken.AFTER_ACCEPT || takePermit();
    }

    /** Waits for a permit under max-connections; false if the listener closed or the thread was interrupted. */
    private boolean takePermit() {
        if (maxConnections == 0) {
            return true;
        }
        while (true) {
            slot.addPermits(1);
            if (board.permitsInAllSlots() <= maxConnections) {
                return true;
            }
            slot.addPermits(-1);
            if (!accepting.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 9)); // polling shared memory: no cross-process wake-up without FFM
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    @Override
    public void release() {
        if (permitTaken == PermitTaken.BEFORE_ACCEPT) {
            givePermit();
        }
    }

    private void givePermit() {
        if (maxConnections > 0) {
            slot.addPermits(-1);
        }
    }

    @Override
    public boolean admit(InetSocketAddress peer) {
        InetAddress address = peer.getAddress();
        if (address != null && (rate != null || maxPerIp > 0)) {
            long key = Scoreboard.sourceKey(address);
            if (rate != null && !rate.tryAccept(key, board.micros())) {
                slot.refused(ConnectionLimit.MAX_ACCEPT_RATE, peer);
                return false;
            }
            if (maxPerIp > 0) {
                if (!slot.hold(key)) {
                    throw new IllegalStateException("no free hold in slot " + slot.index()
                            + ": more connections than threads in this worker");
                }
                if (board.heldFrom(key) > maxPerIp) {
                    slot.unhold(key);
                    slot.refused(ConnectionLimit.MAX_CONNECTIONS_PER_IP, peer);
                    return false;
                }
            }
        }
        if (permitTaken == PermitTaken.AFTER_ACCEPT && !takePermit()) { // stopping: not counted as a refusal
            if (maxPerIp > 0 && address != null) {
                slot.unhold(Scoreboard.sourceKey(address));
            }
            return false;
        }
        slot.addOpen(1);
        if (maxConnections > 0 && board.openInAllSlots() >= maxConnections) {
            slot.touchCeiling();
        }
        return true;
    }

    @Override
    public void closed(InetSocketAddress peer) {
        InetAddress address = peer.getAddress();
        if (maxPerIp > 0 && address != null) {
            slot.unhold(Scoreboard.sourceKey(address));
        }
        slot.addOpen(-1);
        givePermit();
    }
}
