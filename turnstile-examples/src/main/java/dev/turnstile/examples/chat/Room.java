package dev.turnstile.examples.chat;

import dev.turnstile.api.Connection;
import dev.turnstile.api.ConnectionGroup;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one room of a chat server: who is in it and under which name. Members are a
 * {@link ConnectionGroup}, so a broadcast only queues a line per member and returns; a member
 * who falls too far behind is closed by the server as a slow consumer and drops out of the group
 * by itself, without slowing anyone else down.
 *
 * <p><b>Invariants.</b> A name belongs to at most one connection ({@code putIfAbsent} decides
 * races between two {@code /nick}s). A member is in the group from {@link #enter} until it
 * leaves or closes; its name is held until {@link #leave}.
 * <p><b>Thread-safety.</b> Thread-safe, without a lock: every member's thread calls in at once.
 */
final class Room {

    private final ConnectionGroup members = new ConnectionGroup();
    private final ConcurrentMap<String, Connection> names = new ConcurrentHashMap<>();
    private final AtomicLong guests = new AtomicLong();

    /** Lets {@code connection} in under a free {@code guest-N} name and returns the name. */
    String enter(Connection connection) {
        String name;
        do {
            name = "guest-" + guests.incrementAndGet();
        } while (names.putIfAbsent(name, connection) != null); // someone took guest-N with /nick
        members.add(connection);
        return name;
    }

    /** Moves {@code connection} from {@code from} to {@code to}; false if {@code to} is someone else's. */
    boolean rename(Connection connection, String from, String to) {
        if (names.putIfAbsent(to, connection) != null) {
            return false;
        }
        names.remove(from, connection);
        return true;
    }

    /**
     * Frees the name and takes the connection out of the group: it would leave the group by itself
     * once its close completes, but its leave is announced before that (from {@code onClose}).
     */
    void leave(Connection connection, String name) {
        names.remove(name, connection);
        members.remove(connection);
    }

    /** Queues {@code line} for every member but {@code except}. */
    void broadcast(String line, Connection except) {
        members.broadcast(line, except);
    }

    /** The names in the room, sorted: {@code ada, guest-2, guest-3}. */
    String who() {
        return String.join(", ", names.keySet().stream().sorted().toList());
    }

    int size() {
        return members.size();
    }
}
