package dev.turnstile.model.eventloop;

/**
 * What one loop holds at one moment, taken on the loop thread: for tests and diagnostics.
 *
 * @param loop           the loop's name, such as {@code loop-1}
 * @param connections    connections it runs
 * @param readPaused     connections it does not read because their unsent replies passed the high-water mark
 * @param unsentBytes    reply bytes held for all its connections
 * @param maxUnsentBytes the most reply bytes held for one connection
 * @param stalls         handler calls that held the loop longer than the slow-callback threshold, in all
 * @param acceptFailures accepts on this loop that failed and paused accepting, in all
 */
record LoopProbe(String loop, int connections, int readPaused, long unsentBytes, long maxUnsentBytes, long stalls,
                 long acceptFailures) {
}
