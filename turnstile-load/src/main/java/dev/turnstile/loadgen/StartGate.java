package dev.turnstile.loadgen;

import java.io.IOException;

/**
 * Where a run waits between connecting and starting, so that the processes of a
 * {@code --processes} run all start together. In a single process the gate is open.
 */
@FunctionalInterface
interface StartGate {

    StartGate OPEN = open -> { };

    /**
     * Called once this process's connects have settled, with the number now open; returns when
     * the run may start.
     *
     * @throws IOException if the run is called off
     */
    void awaitStart(long open) throws IOException, InterruptedException;
}
