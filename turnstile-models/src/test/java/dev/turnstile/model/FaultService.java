package dev.turnstile.model;

import dev.turnstile.api.Connection;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.Replies;
import dev.turnstile.echo.EchoUppercase;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The notes' echo service with a handler that can fail as the JVM fails: {@code SOE} recurses
 * until the stack is gone (a real {@link StackOverflowError}), {@code SOE-LATER} does so in a
 * timer task the handler schedules (run off the read path: a blocking model's writer, a loop's
 * drain), {@code OOME} throws an
 * {@link OutOfMemoryError} (the catch path a failed allocation takes, without starving the test
 * JVM), {@code PID} answers the serving process's pid. Anything else is answered uppercased. A
 * public class with a public constructor, so worker processes can create it by name.
 */
public final class FaultService implements FramedService {

    @Override
    public String name() {
        return "faults";
    }

    @Override
    public MessageHandler newHandler(ConnectionInfo info) {
        return new MessageHandler() {
            private Connection connection; // the handler's calls are one at a time: no lock

            @Override
            public void onOpen(Connection connection) {
                this.connection = connection;
            }

            @Override
            public void onMessage(ByteBuffer message, Replies replies) {
                String text = StandardCharsets.UTF_8.decode(message.duplicate()).toString().trim();
                switch (text) {
                    case "SOE" -> replies.send(StandardCharsets.UTF_8.encode("depth " + recurse(0)));
                    case "SOE-LATER" -> connection.schedule(Duration.ofMillis(1), () -> recurse(0));
                    case "OOME" -> throw new OutOfMemoryError("thrown by the test service");
                    case "PID" -> replies.send(StandardCharsets.UTF_8.encode(Long.toString(ProcessHandle.current().pid())));
                    default -> EchoUppercase.answer(message, replies);
                }
            }
        };
    }

    /** Never returns: each call adds a frame until the thread's stack overflows. */
    private static long recurse(long depth) {
        return recurse(depth + 1) + 1;
    }
}
