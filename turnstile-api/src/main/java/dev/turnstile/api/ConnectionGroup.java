package dev.turnstile.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A set of open connections to broadcast to, such as a chat room or a topic's subscribers
 * (Netty's {@code ChannelGroup}). A connection leaves the group by itself when it closes.
 *
 * <p>A broadcast is one {@link Connection#send} per member: it queues and returns, so a member
 * that reads slowly delays nobody; one that falls more than the server's
 * {@code maxPendingBytes} behind is closed as a {@link CloseReason#SLOW_CONSUMER} and leaves.
 * Under the process models a group holds the connections of one worker process only.
 *
 * <p><b>Thread-safety.</b> Thread-safe; members may join, leave and be sent to from any thread.
 * A broadcast reaches the members present when it passes them: one that joins during a
 * broadcast may or may not get it.
 */
public final class ConnectionGroup implements Iterable<Connection> {

    private final Set<Connection> members = ConcurrentHashMap.newKeySet();

    /** Adds an open connection; it leaves when it closes. False if it was a member or is closed. */
    public boolean add(Connection connection) {
        if (!connection.isOpen() || !members.add(connection)) {
            return false;
        }
        connection.closeFuture().whenComplete((reason, failure) -> members.remove(connection));
        if (!connection.isOpen()) { // closed between the check and the add: the future may have run first
            members.remove(connection);
            return false;
        }
        return true;
    }

    /** Removes a member; false if it was not one. */
    public boolean remove(Connection connection) {
        return members.remove(connection);
    }

    public boolean contains(Connection connection) {
        return members.contains(connection);
    }

    public int size() {
        return members.size();
    }

    /** Sends {@code payload} (position to limit, left unchanged) to every member; returns how many. */
    public int broadcast(ByteBuffer payload) {
        return broadcast(payload, null);
    }

    /** Sends {@code payload} to every member but {@code except} (the sender, say); returns how many. */
    public int broadcast(ByteBuffer payload, Connection except) {
        int sent = 0;
        for (Connection c : members) {
            if (c != except) {
                c.send(payload.duplicate());
                sent++;
            }
        }
        return sent;
    }

    /** Sends {@code text} as UTF-8 to every member but {@code except} (may be null); returns how many. */
    public int broadcast(CharSequence text, Connection except) {
        return broadcast(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), except);
    }

    /** Closes every member once what was sent to it is written. */
    public void closeAfterReplies() {
        members.forEach(Connection::closeAfterReplies);
    }

    /** The members now, weakly consistent with joins and leaves while iterating. */
    @Override
    public Iterator<Connection> iterator() {
        return members.iterator();
    }
}
