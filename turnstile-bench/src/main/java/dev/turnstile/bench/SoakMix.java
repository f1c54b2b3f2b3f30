package dev.turnstile.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How much of each kind of client a soak runs at once ({@link SoakRole}), sized so that the held
 * connections (conversations, idle and slow readers: 18 by default) stay well inside the smallest
 * default pool (40 workers), leaving room for churn and oversize attempts: a soak looks for leaks,
 * not for the queue of a full pool. Paced rather than flat out, so that it can run for hours on a
 * shared machine.
 *
 * @param conversations           {@link SoakRole#PING_PONG} clients at once
 * @param messagesPerConversation messages in one conversation before it closes and a new one opens
 * @param messagePause            pause after each reply in a conversation
 * @param idleConnections         {@link SoakRole#IDLE} clients at once
 * @param idleHold                how long an idle client waits before its one message: longer than the
 *                                server's idle timeout (2 min by default), so the server's idle close is soaked too
 * @param slowReaders             {@link SoakRole#SLOW_READER} clients at once
 * @param slowReaderBytes         what a slow reader sends, as 4 KiB lines: far beyond what the loopback socket
 *                                buffers hold (a few MiB each way; 4 MiB of replies fit in them, and the server
 *                                never waited), so the server's writes stall and its write timeout closes it
 * @param slowReadBytesPerSecond  how fast a slow reader reads the replies, once it reads
 * @param slowReaderStall         how long a slow reader reads nothing at first: longer than the server's write
 *                                timeout (30 s by default), so the write-timeout close is soaked too
 * @param slowReaderHold          how long a slow reader stays, stall included, before it closes (with unread replies)
 * @param churnPerSecond          {@link SoakRole#CHURN} connections started per second
 * @param oversizePerSecond       {@link SoakRole#OVERSIZE} connections started per second
 * @param oversizeBytes           the size of an oversize line: beyond the bench server's 64 KiB maximum
 */
public record SoakMix(int conversations, int messagesPerConversation, Duration messagePause,
                      int idleConnections, Duration idleHold,
                      int slowReaders, int slowReaderBytes, int slowReadBytesPerSecond, Duration slowReaderStall,
                      Duration slowReaderHold,
                      double churnPerSecond, double oversizePerSecond, int oversizeBytes) {

    /** 8 conversations of 1,000 messages 10 ms apart, 8 idle, 2 slow readers, 20 churns and 1 oversize a second. */
    public static final SoakMix DEFAULT = new SoakMix(8, 1_000, Duration.ofMillis(10), 8, Duration.ofSeconds(150),
            2, 32 * 1024 * 1024, 64 * 1024, Duration.ofSeconds(35), Duration.ofSeconds(45), 20, 1,
            2 * ServerProcess.MAX_LINE_BYTES);

    public SoakMix {
        Objects.requireNonNull(messagePause, "messagePause");
        Objects.requireNonNull(idleHold, "idleHold");
        Objects.requireNonNull(slowReaderStall, "slowReaderStall");
        Objects.requireNonNull(slowReaderHold, "slowReaderHold");
        if (slowReaderStall.isNegative() || slowReaderStall.compareTo(slowReaderHold) > 0) {
            throw new IllegalArgumentException("slowReaderStall must be >= 0 and <= slowReaderHold (got "
                    + slowReaderStall + " > " + slowReaderHold + ")");
        }
        if (conversations < 0 || idleConnections < 0 || slowReaders < 0) {
            throw new IllegalArgumentException("conversations, idleConnections and slowReaders must be >= 0 (got "
                    + conversations + ", " + idleConnections + ", " + slowReaders + ")");
        }
        if (messagesPerConversation < 1) {
            throw new IllegalArgumentException("messagesPerConversation must be >= 1 (got " + messagesPerConversation + ")");
        }
        if (slowReadBytesPerSecond < 1) {
            throw new IllegalArgumentException("slowReadBytesPerSecond must be >= 1 (got " + slowReadBytesPerSecond + ")");
        }
        if (churnPerSecond < 0 || oversizePerSecond < 0) {
            throw new IllegalArgumentException("churnPerSecond and oversizePerSecond must be >= 0 (got "
                    + churnPerSecond + ", " + oversizePerSecond + ")");
        }
        if (oversizeBytes <= ServerProcess.MAX_LINE_BYTES) {
            throw new IllegalArgumentException("oversizeBytes must exceed the server's maximum of "
                    + ServerProcess.MAX_LINE_BYTES + " (got " + oversizeBytes + ")");
        }
    }

    /** The mix as a soak.json object. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("conversations", conversations);
        m.put("messagesPerConversation", messagesPerConversation);
        m.put("messagePauseSeconds", messagePause.toNanos() / 1e9);
        m.put("idleConnections", idleConnections);
        m.put("idleHoldSeconds", idleHold.toNanos() / 1e9);
        m.put("slowReaders", slowReaders);
        m.put("slowReaderBytes", slowReaderBytes);
        m.put("slowReadBytesPerSecond", slowReadBytesPerSecond);
        m.put("slowReaderStallSeconds", slowReaderStall.toNanos() / 1e9);
        m.put("slowReaderHoldSeconds", slowReaderHold.toNanos() / 1e9);
        m.put("churnPerSecond", churnPerSecond);
        m.put("oversizePerSecond", oversizePerSecond);
        m.put("oversizeBytes", oversizeBytes);
        return m;
    }
}
