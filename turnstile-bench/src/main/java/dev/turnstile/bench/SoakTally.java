package dev.turnstile.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one {@link SoakRole}'s clients did during a soak. Thread-safe: every client of the role
 * counts into it at once; the first failure's description is kept, the rest only counted.
 */
final class SoakTally {

    private final LongAdder connections = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder closedByServer = new LongAdder();
    private final LongAdder messages = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    /** A snapshot; {@code failures} are outcomes the role does not allow (a wrong or missing reply, a refused connect). */
    record Counts(long connections, long completed, long closedByServer, long messages, long failures, long skipped,
                  String firstFailure) {

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("connections", connections);
            m.put("completed", completed);
            m.put("closedByServer", closedByServer);
            m.put("messages", messages);
            m.put("failures", failures);
            m.put("skipped", skipped);
            m.put("firstFailure", firstFailure);
            return m;
        }
    }

    void connected() {
        connections.increment();
    }

    void completed() {
        completed.increment();
    }

    void closedByServer() {
        closedByServer.increment();
    }

    void message() {
        messages.increment();
    }

    /** A scheduled connection not started because too many of the role's were still in flight. */
    void skipped() {
        skipped.increment();
    }

    void failed(String what) {
        failures.increment();
        firstFailure.compareAndSet(null, what);
    }

    Counts counts() {
        return new Counts(connections.sum(), completed.sum(), closedByServer.sum(), messages.sum(), failures.sum(),
                skipped.sum(), firstFailure.get());
    }
}
