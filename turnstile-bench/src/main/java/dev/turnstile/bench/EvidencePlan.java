package dev.turnstile.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The sizes of an evidence run. Full sizes are what docs/evidence/ was made with; quick sizes
 * (for the test suite) scale every scenario down so the whole report takes a minute or two on a
 * busy 2-core machine, and the report says so.
 *
 * @param quick whether the sizes are the scaled-down ones
 * @param out   the folder for evidence.md, evidence.json, the charts and logs/
 */
public record EvidencePlan(boolean quick, Path out) {

    public EvidencePlan {
        Objects.requireNonNull(out, "out");
    }

    public static EvidencePlan full(Path out) {
        return new EvidencePlan(false, out);
    }

    public static EvidencePlan quick(Path out) {
        return new EvidencePlan(true, out);
    }

    /** First replies timed per thread-like variant (after one untimed connection). */
    int threadReplies() {
        return quick ? 20 : 200;
    }

    /** First replies timed per process-like variant: each may start a JVM. */
    int processReplies() {
        return quick ? 4 : 30;
    }

    /** RLIMIT_NOFILE of each server process in the shared-limits scenario. */
    int descriptorLimit() {
        return quick ? 256 : 1024;
    }

    /**
     * Conversations that look on while one connection's handler fails; the pool gets a worker JVM
     * per conversation, and nine JVMs booting at once on a busy 2-core machine missed the pool's
     * 30 s boot limit, so the full run keeps it to six.
     */
    int bystanders() {
        return quick ? 3 : 5;
    }

    /** Ping-pong before and after the kill -9. */
    Duration killLoad() {
        return Duration.ofMillis(quick ? 1_000 : 3_000);
    }

    /** Clients arriving at once at the pool of 3. */
    List<Integer> boundClients() {
        return quick ? List.of(1, 3, 6, 12) : List.of(1, 3, 6, 12, 30);
    }

    /** Messages per conversation in the pool-bound and hand-off scenarios. */
    int conversationMessages() {
        return quick ? 3 : 5;
    }

    /** The pause after each message of a conversation: the notes' client thinks between messages. */
    Duration thinkPause() {
        return Duration.ofMillis(quick ? 40 : 100);
    }

    /** Conversations each hand-off client holds one after another. */
    int handOffConversations() {
        return quick ? 6 : 20;
    }

    /** Idle connections held per in-process model for memory per connection. */
    int memoryConnections() {
        return quick ? 200 : 2_000;
    }

    /** Idle connections held per process model (each may be a JVM) for memory per connection. */
    int memoryProcessConnections() {
        return quick ? 3 : 10;
    }
}
