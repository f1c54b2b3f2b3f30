package dev.turnstile.model.eventloop;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.echo.EchoUppercase;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Echo-uppercase with test behaviours: {@code boom} makes the handler throw; {@code block}
 * counts down {@link #entered} and then waits for {@link #release} (10 s at most, or until
 * interrupted), as a handler blocked on I/O of its own would; {@code slow} counts down
 * {@link #entered} and then holds its thread for {@link #SLOW_MILLIS} ms, as a slow remote call would.
 */
final class GatedEcho implements FramedService {

    static final long SLOW_MILLIS = 150;

    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String name() {
        return "gated-echo";
    }

    @Override
    public MessageHandler newHandler(ConnectionInfo connection) {
        return (message, replies) -> {
            String text = StandardCharsets.UTF_8.decode(message.duplicate()).toString();
            if (text.equals("boom")) {
                throw new IllegalStateException("boom, as asked");
            }
            if (text.equals("block")) {
                entered.countDown();
                if (!hold(release, 10_000)) {
                    throw new IllegalStateException("never released");
                }
            }
            if (text.equals("slow")) {
                entered.countDown();
                hold(new CountDownLatch(1), SLOW_MILLIS);
            }
            EchoUppercase.answer(message, replies);
        };
    }

    /** Blocks until {@code gate} opens or {@code millis} pass; true if it opened. */
    private static boolean hold(CountDownLatch gate, long millis) {
        try {
            return gate.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while blocked", e);
        }
    }
}
