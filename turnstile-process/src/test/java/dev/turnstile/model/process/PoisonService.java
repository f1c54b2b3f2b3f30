package dev.turnstile.model.process;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.echo.EchoUppercase;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The notes' echo service with poison: a message {@code EXIT} calls System.exit, {@code KILL}
 * sends SIGKILL to its own process, {@code OOM} allocates until the heap is gone, {@code THROW}
 * throws. Anything else is answered uppercased. A public class with a public constructor, so
 * worker processes can create it by name.
 */
public final class PoisonService implements FramedService {

    @Override
    public String name() {
        return "poison";
    }

    @Override
    public MessageHandler newHandler(ConnectionInfo connection) {
        return (message, replies) -> {
            String text = StandardCharsets.UTF_8.decode(message.duplicate()).toString().trim();
            switch (text) {
                case "EXIT" -> System.exit(1);
                case "KILL" -> killMyself();
                case "OOM" -> exhaustTheHeap();
                case "THROW" -> throw new IllegalStateException("poison");
                default -> EchoUppercase.answer(message, replies);
            }
        };
    }

    private static void killMyself() {
        try {
            new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid())).start().waitFor();
            new java.util.concurrent.CountDownLatch(1).await(10, java.util.concurrent.TimeUnit.SECONDS); // SIGKILL ends us meanwhile
        } catch (Exception e) {
            throw new IllegalStateException("could not kill myself", e);
        }
    }

    private static void exhaustTheHeap() {
        List<long[]> hog = new ArrayList<>();
        while (true) {
            hog.add(new long[1 << 20]);
        }
    }
}
