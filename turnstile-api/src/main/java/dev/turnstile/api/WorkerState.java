package dev.turnstile.api;

/**
 * What a worker (a thread, a pool slot, an event loop, a process) or one of its connections is
 * doing at the moment it is looked at: Apache's scoreboard idea, for every model.
 *
 * <p>A blocking worker moves IDLE (no connection, waiting for one) → READING (blocked in
 * {@code read()} for its connection's next bytes) → HANDLING (framing and the handler) → WRITING
 * (replies on their way) → READING ... → CLOSING → IDLE. An event loop is IDLE while it waits in
 * {@code select()}, and otherwise in the phase of the connection it serves at that moment. A
 * process or pool slot is STARTING until it can serve and RETIRING once it was asked to stop (or
 * is gone and not yet replaced). A connection has the same phases, with READING meaning "waiting
 * for the peer's next bytes".
 */
public enum WorkerState {
    IDLE('_'), READING('R'), HANDLING('H'), WRITING('W'), CLOSING('C'), STARTING('S'), RETIRING('G');

    private final char key;

    WorkerState(char key) {
        this.key = key;
    }

    /** One character for a terminal scoreboard, after Apache's server-status keys ({@code H} is ours). */
    public char key() {
        return key;
    }

    /** The lower-case name the status JSON uses. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
