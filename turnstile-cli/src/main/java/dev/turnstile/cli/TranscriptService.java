package dev.turnstile.cli;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.Connection;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.FramerFactory;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.ProtocolException;
import dev.turnstile.api.Replies;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Wraps a service so that each request is printed as the notes' server prints it
 * ({@code worker-1 serving hello}) before it is handled. For the demo; it allocates per message.
 */
final class TranscriptService implements FramedService {

    private final FramedService inner;
    private final PrintStream out;

    TranscriptService(FramedService inner, PrintStream out) {
        this.inner = inner;
        this.out = out;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public Optional<FramerFactory> framing() {
        return inner.framing();
    }

    @Override
    public MessageHandler newHandler(ConnectionInfo connection) {
        MessageHandler handler = inner.newHandler(connection);
        return new MessageHandler() {
            @Override
            public void onMessage(ByteBuffer message, Replies replies) {
                out.println(connection.worker() + " serving " + StandardCharsets.UTF_8.decode(message.duplicate()).toString().stripTrailing());
                handler.onMessage(message, replies);
            }

            @Override
            public void onOpen(Connection connection) {
                handler.onOpen(connection);
            }

            @Override
            public void onProtocolError(ProtocolException error, Replies replies) {
                handler.onProtocolError(error, replies);
            }

            @Override
            public void onClose(CloseReason reason) {
                handler.onClose(reason);
            }
        };
    }
}
