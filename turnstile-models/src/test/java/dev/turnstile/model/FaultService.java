package dev.turnstile.model;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.echo.EchoUppercase;

import java.nio.charset.StandardCharsets;

/**
 * The notes' echo service with a handler that can fail as the JVM fails: {@code SOE} recurses
 * until the stack is gone (a real {@link StackOverflowError}), {@code OOME} throws an
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
    public MessageHandler newHandler(ConnectionInfo connection) {
        return (message, replies) -> {
            String text = StandardCharsets.UTF_8.decode(message.duplicate()).toString().trim();
            switch (text) {
                case "SOE" -> replies.send(StandardCharsets.UTF_8.encode("depth " + recurse(0)));
                case "OOME" -> throw new OutOfMemoryError("thrown by the test service");
                case "PID" -> replies.send(StandardCharsets.UTF_8.encode(Long.toString(ProcessHandle.current().pid())));
                default -> EchoUppercase.answer(message, replies);
            }
        };
    }

    /** Never returns: each call adds a frame until the thread's stack overflows. */
    private static long recurse(long depth) {
        return recurse(depth + 1) + 1;
    }
}
