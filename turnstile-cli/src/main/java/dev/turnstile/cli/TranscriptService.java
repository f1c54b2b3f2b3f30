package dev.turnstile.cli;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.Replies;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

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
    public MessageHandler newHandler(ConnectionInfo connection) {
        MessageHandler handler = inner.newHandler(connection);
        return new MessageHandler() {
            @Override
            public void onMessage(ByteBuffer message, Replies replies) {
                out.println(connection.worker() + " serving " + StandardCharsets.UTF_8.decode(message.duplicate()).toString().stripTrailing());
                handler.onMessage(message, replies);
            }

            @Override
            public void onClose() {
                handler.onClose();
            }
        };
    }
}
