package dev.turnstile.testing;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Answers every message with the connection's peer as the service sees it
 * ({@link ConnectionInfo#peer()}, {@code host:port}; line framing ends it): what the PROXY protocol tests
 * read. A public class with a public no-argument constructor, so worker processes can make it.
 * Stateless; thread-safe.
 */
public final class PeerService implements FramedService {

    @Override
    public String name() {
        return "peer";
    }

    @Override
    public MessageHandler newHandler(ConnectionInfo connection) {
        ByteBuffer answer = ByteBuffer.wrap(connection.peer().getBytes(StandardCharsets.US_ASCII));
        return (message, replies) -> replies.send(answer.duplicate());
    }
}
