package dev.turnstile.model.process;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The scoreboard slots a master may give to the next child: a slot is taken (and prepared) just
 * before a spawn and given back only after its child was reaped, so no two live children ever
 * share one. Not thread-safe: the master thread's.
 */
public final class FreeSlots {

    private final Scoreboard board;
    private final Deque<Integer> free = new ArrayDeque<>();

    /** The first {@code count} slots of {@code board}, all free. */
    public FreeSlots(Scoreboard board, int count) {
        if (board.slots() < count) {
            throw new IllegalArgumentException("the scoreboard has " + board.slots() + " slots, " + count + " are needed");
        }
        this.board = board;
        for (int i = 0; i < count; i++) {
            free.add(i);
        }
    }

    /** A free slot, prepared for a new child (STARTING, counters zeroed), or null if none is free. */
    public Scoreboard.Slot take(long nowMillis) {
        Integer index = free.poll();
        if (index == null) {
            return null;
        }
        Scoreboard.Slot slot = board.slot(index);
        slot.prepareForSpawn(nowMillis);
        return slot;
    }

    /** Gives a slot back: its child was reaped, or never started. */
    public void release(Scoreboard.Slot slot) {
        slot.free();
        free.push(slot.index());
    }
}
