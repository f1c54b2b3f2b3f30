package dev.turnstile.examples.chat;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.FramerFactory;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.core.framing.Framers;

import java.util.Optional;

/**
 * The chat service: one {@link Room} for every connection of the server, each connection a
 * {@link Member}. Lines are the protocol's own framing, whatever the server's {@code --framing}
 * says, and at most {@link #MAX_LINE_BYTES} long.
 *
 * <p>The room lives in this one object, so the connections share state: models that serve
 * connections in separate processes refuse to run it ({@link #sharesStateAcrossConnections}).
 *
 * <p><b>Thread-safety.</b> Thread-safe: the room is, and handlers are made per connection.
 */
public final class Chat implements FramedService {

    /** The longest line a member may send; longer ones end the connection with an error line. */
    public static final int MAX_LINE_BYTES = 4 * 1024;

    private final Room room = new Room();

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public boolean sharesStateAcrossConnections() {
        return true;
    }

    @Override
    public Optional<FramerFactory> framing() {
        FramerFactory lines = Framers.line();
        return Optional.of(serverMax -> lines.newFramer(Math.min(serverMax, MAX_LINE_BYTES)));
    }

    @Override
    public MessageHandler newHandler(ConnectionInfo connection) {
        return new Member(room);
    }

    /** How many are in the room now (for monitoring and tests). */
    public int memberCount() {
        return room.size();
    }
}
