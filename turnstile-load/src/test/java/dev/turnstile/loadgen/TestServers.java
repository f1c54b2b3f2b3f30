package dev.turnstile.loadgen;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.Framing;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.core.Server;
import dev.turnstile.echo.EchoUppercase;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * In-process turnstile servers for the load generator's tests: the real echo-uppercase service
 * under the thread-pool model, and deliberately wrong services under the same model. All bind
 * loopback port 0.
 */
final class TestServers {

    static final int WORKERS = 256;

    private TestServers() {
    }

    /** The notes' echo-uppercase service. */
    static Server echo(Framing framing) throws IOException {
        return serve(new EchoUppercase(), framing);
    }

    /** Answers each message as it came, not uppercased: every reply is wrong. */
    static Server lowercase() throws IOException {
        return serve(service("lowercase", (message, replies) -> replies.send(message)), Framing.LINE);
    }

    /** Never answers. */
    static Server silent() throws IOException {
        return serve(service("silent", (message, replies) -> { }), Framing.LINE);
    }

    /** Answers a connection's first message, then closes the connection on its second without a reply. */
    static Server closesOnSecondMessage() throws IOException {
        return serve(perConnection("closes-on-second", () -> {
            AtomicInteger seen = new AtomicInteger();
            return (message, replies) -> {
                if (seen.incrementAndGet() == 1) {
                    EchoUppercase.answer(message, replies);
                } else {
                    replies.closeAfterReplies();
                }
            };
        }), Framing.LINE);
    }

    /**
     * Echo-uppercase, except that the {@code nth} message of all (counting from 1) is answered only
     * after {@code stall}: one stalled connection, the rest unaffected.
     */
    static Server stallsOnce(int nth, Duration stall) throws IOException {
        AtomicInteger count = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        return serve(service("stalls-once", (message, replies) -> {
            if (count.incrementAndGet() == nth) {
                try {
                    // The stall under test: this worker does nothing for a while, as a GC pause would.
                    boolean released = never.await(stall.toNanos(), TimeUnit.NANOSECONDS);
                    assert !released;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            EchoUppercase.answer(message, replies);
        }), Framing.LINE);
    }

    /** A service whose one handler serves every connection. */
    static FramedService service(String name, MessageHandler handler) {
        return perConnection(name, () -> handler);
    }

    /** A service with a handler of its own per connection, made by {@code handlers}. */
    static FramedService perConnection(String name, Supplier<MessageHandler> handlers) {
        return new FramedService() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public MessageHandler newHandler(ConnectionInfo connection) {
                return handlers.get();
            }
        };
    }

    static Server serve(FramedService service, Framing framing) throws IOException {
        return Server.builder().model("thread-pool").options(ModelOptions.none().withWorkers(WORKERS))
                .service(service).framing(framing).host("127.0.0.1").port(0).start();
    }

    /** Options aimed at {@code server}, with no warm-up and short bounds. */
    static LoadOptions.Builder against(Server server) {
        return LoadOptions.builder().host("127.0.0.1").port(server.port()).warmup(Duration.ZERO)
                .duration(Duration.ofSeconds(20)).timeout(Duration.ofSeconds(5));
    }
}
