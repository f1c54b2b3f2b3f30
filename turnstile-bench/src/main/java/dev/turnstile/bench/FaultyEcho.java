package dev.turnstile.bench;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.echo.EchoUppercase;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The notes' echo service with the two bugs the notes warn about, for the evidence report: the
 * message {@code LEAK} makes the handler keep memory it never frees (small arrays in a list held by
 * the class, so reachable for ever) until the heap is exhausted; {@code EXIT} calls
 * {@link System#exit}. Anything else is answered uppercased. A public class with a public
 * constructor, so worker processes can create it by name.
 *
 * <p>Thread-safety: the leak is guarded by its own lock; it is shared by every connection of one
 * process on purpose, since that is what a leak in a thread model is.
 */
public final class FaultyEcho implements FramedService {

    private static final List<long[]> LEAKED = new ArrayList<>(); // guarded by itself

    @Override
    public String name() {
        return "faulty-echo";
    }

    @Override
    public MessageHandler newHandler(ConnectionInfo connection) {
        return (message, replies) -> {
            String text = StandardCharsets.UTF_8.decode(message.duplicate()).toString().trim();
            switch (text) {
                case "LEAK" -> leakUntilTheHeapIsGone();
                case "EXIT" -> System.exit(1);
                default -> EchoUppercase.answer(message, replies);
            }
        };
    }

    /** Keeps 1 KiB arrays until allocation fails; the OutOfMemoryError goes to the caller, the arrays stay. */
    private static void leakUntilTheHeapIsGone() {
        while (true) {
            long[] kept = new long[128];
            synchronized (LEAKED) {
                LEAKED.add(kept);
            }
        }
    }
}
