package dev.turnstile.model;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.Connection;
import dev.turnstile.api.ConnectionGroup;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.Framer;
import dev.turnstile.api.FramerFactory;
import dev.turnstile.api.MalformedFrameException;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.Outbound;
import dev.turnstile.api.ProtocolException;
import dev.turnstile.api.Replies;
import dev.turnstile.core.Server;
import dev.turnstile.echo.EchoUppercase;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import dev.turnstile.testing.RunningServer;
import dev.turnstile.testing.TestModels;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection handle, the same in every in-process model: a greeting, a reply sent later from
 * another thread, a broadcast, a slow consumer closed with its reason while others go on, a
 * timer-driven write, a task run serialized with the handler, a custom framer and a protocol
 * error answered by the service.
 */
@Timeout(120)
class ConnectionApiTest {

    /** Big enough pools that every connection of a test is served at once. */
    static final ModelOptions OPTIONS = ModelOptions.none().withWorkers(1100).withMinWorkers(1).withMaxWorkers(1100);

    static Stream<String> models() {
        return TestModels.inProcess();
    }

    static RunningServer start(String model, FramedService service) {
        return start(model, service, b -> { });
    }

    static RunningServer start(String model, FramedService service, Consumer<Server.Builder> more) {
        return RunningServer.start(model, OPTIONS, b -> {
            b.service(service).framing(dev.turnstile.api.Framing.LINE).acceptBacklog(2048);
            more.accept(b);
        });
    }

    /** A line service whose handlers do what the test says on open, and echo otherwise. */
    record Scripted(Consumer<Connection> onOpen, BlockingQueue<Connection> opened,
                    BlockingQueue<CloseReason> closes) implements FramedService {

        Scripted(Consumer<Connection> onOpen) {
            this(onOpen, new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>());
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public MessageHandler newHandler(ConnectionInfo info) {
            return new MessageHandler() {
                @Override
                public void onOpen(Connection connection) {
                    onOpen.accept(connection);
                    opened.add(connection);
                }

                @Override
                public void onMessage(ByteBuffer message, Replies replies) {
                    EchoUppercase.answer(message, replies);
                }

                @Override
                public void onClose(CloseReason reason) {
                    closes.add(reason);
                }
            };
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void greetsBeforeThePeerSpeaks(String model) {
        Scripted service = new Scripted(c -> c.send("welcome " + c.info().id()));
        try (RunningServer server = start(model, service); LineClient client = server.connect()) {
            assertThat(client.readLine()).startsWith("welcome ");
            assertThat(client.ask("then echo")).isEqualTo("THEN ECHO");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void repliesFromAnotherThreadAfterOnMessageReturned(String model) throws Exception {
        BlockingQueue<String> asked = new LinkedBlockingQueue<>();
        FramedService deferred = new FramedService() {
            @Override
            public String name() {
                return "deferred";
            }

            @Override
            public MessageHandler newHandler(ConnectionInfo info) {
                return new MessageHandler() {
                    @Override
                    public void onOpen(Connection connection) {
                        pending.add(connection);
                    }

                    @Override
                    public void onMessage(ByteBuffer message, Replies replies) {
                        asked.add(StandardCharsets.UTF_8.decode(message).toString()); // no reply now
                    }
                };
            }
        };
        try (RunningServer server = start(model, deferred); LineClient client = server.connect()) {
            Connection connection = pending.poll(10, TimeUnit.SECONDS);
            assertThat(connection).isNotNull();
            for (int i = 0; i < 3; i++) {
                client.send("question " + i + "\n");
                assertThat(asked.poll(10, TimeUnit.SECONDS)).isEqualTo("question " + i);
                long handled = i + 1;
                server.await("onMessage returned", Duration.ofSeconds(10), s -> s.messages() >= handled);
                connection.send("answer " + i); // from the test's thread, while the server waits for input
                assertThat(client.readLine()).isEqualTo("answer " + i);
            }
        }
    }

    private final BlockingQueue<Connection> pending = new LinkedBlockingQueue<>();

    @ParameterizedTest
    @MethodSource("models")
    void broadcastsToAThousandConnections(String model) {
        ConnectionGroup everyone = new ConnectionGroup();
        Scripted service = new Scripted(everyone::add);
        int n = 1000;
        try (RunningServer server = start(model, service)) {
            List<LineClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    clients.add(server.connect());
                }
                Poll.until("all " + n + " in the group", Duration.ofSeconds(30), everyone::size, size -> size == n);
                assertThat(everyone.broadcast("news for all", null)).isEqualTo(n);
                for (LineClient c : clients) {
                    assertThat(c.readLine()).isEqualTo("news for all");
                }
                assertThat(clients.get(7).ask("still echoing")).isEqualTo("STILL ECHOING");
            } finally {
                clients.forEach(LineClient::close);
            }
            Poll.until("the group empties as connections close", Duration.ofSeconds(30), everyone::size, s -> s == 0);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void closesASlowConsumerWithItsReasonWhileOthersGetEverything(String model) throws Exception {
        ConnectionGroup room = new ConnectionGroup();
        Scripted service = new Scripted(room::add);
        try (RunningServer server = RunningServer.start(model, OPTIONS, b -> b.service(service)
                .framing(dev.turnstile.api.Framing.LINE).maxMessageBytes(1024).maxPendingBytes(64 * 1024));
             Socket slow = new Socket(); Socket fast = new Socket()) {
            slow.setReceiveBufferSize(4096); // a small window, so the server's queue fills sooner
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
            fast.connect(new InetSocketAddress("127.0.0.1", server.port()));
            fast.setSoTimeout(15_000);
            Poll.until("both in the room", Duration.ofSeconds(10), room::size, s -> s == 2);
            java.util.concurrent.atomic.AtomicInteger fastGot = new java.util.concurrent.atomic.AtomicInteger();
            String pad = "x".repeat(900);
            CompletableFuture<Integer> fastReader = CompletableFuture.supplyAsync(() -> {
                try {
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(fast.getInputStream(),
                            StandardCharsets.UTF_8), 64 * 1024);
                    while (true) {
                        String line = in.readLine();
                        if (line == null || line.equals("end")) {
                            return fastGot.get();
                        }
                        if (!line.equals("line " + fastGot.get() + " " + pad)) {
                            throw new AssertionError("fast reader got '" + line.substring(0, Math.min(30, line.length()))
                                    + "' as message " + fastGot.get());
                        }
                        fastGot.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (service.closes().isEmpty() && sent < 200_000 && System.nanoTime() < deadline) {
                if (sent - fastGot.get() > 32) { // the fast reader keeps up: never more than 29 KB (< 64 KiB) behind
                    Thread.onSpinWait();
                    continue;
                }
                room.broadcast("line " + sent + " " + pad, null);
                sent++;
            }
            assertThat(service.closes().poll(10, TimeUnit.SECONDS))
                    .as("after %d messages sent, %d read by the fast reader (%s)", sent, fastGot.get(),
                            fastReader.isCompletedExceptionally() ? fastReader.exceptionNow() : "reading")
                    .isEqualTo(CloseReason.SLOW_CONSUMER);
            Poll.until("the slow one left the room", Duration.ofSeconds(10), room::size, s -> s == 1);
            room.broadcast("end", null);
            assertThat(fastReader.get(30, TimeUnit.SECONDS)).isEqualTo(sent);
            assertThat(server.stats().closes().get(CloseReason.SLOW_CONSUMER)).isEqualTo(1L);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void writesOnATimerAndRunsTasksSerializedWithTheHandler(String model) throws Exception {
        Scripted service = new Scripted(c -> tick(c, 3));
        try (RunningServer server = start(model, service); LineClient client = server.connect()) {
            assertThat(List.of(client.readLine(), client.readLine(), client.readLine()))
                    .containsExactly("tick 3", "tick 2", "tick 1");
            Connection connection = service.opened().poll(10, TimeUnit.SECONDS);
            assertThat(connection.schedule(Duration.ofHours(1), () -> connection.send("never")).cancel()).isTrue();
            connection.execute(() -> connection.send("from a task"));
            assertThat(client.readLine()).isEqualTo("from a task");
            assertThat(client.ask("and echo")).isEqualTo("AND ECHO");
        }
    }

    /** Sends "tick N" after 20 ms, then schedules the next, N times. */
    private static void tick(Connection c, int left) {
        if (left > 0) {
            c.schedule(Duration.ofMillis(20), () -> {
                c.send("tick " + left);
                tick(c, left - 1);
            });
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void closesAfterRepliesOrAtOnceWhenAnotherThreadAsks(String model) throws Exception {
        Scripted service = new Scripted(c -> { });
        try (RunningServer server = start(model, service); LineClient polite = server.connect();
             LineClient abrupt = server.connect()) {
            Connection first = service.opened().poll(10, TimeUnit.SECONDS);
            Connection second = service.opened().poll(10, TimeUnit.SECONDS);
            assertThat(polite.ask("hello")).isEqualTo("HELLO");
            assertThat(abrupt.ask("hello")).isEqualTo("HELLO");
            Connection politeOne = first.info().remote().getPort() == polite.localPort() ? first : second;
            Connection abruptOne = politeOne == first ? second : first;
            politeOne.send("goodbye");
            politeOne.closeAfterReplies();
            assertThat(polite.readLine()).isEqualTo("goodbye");
            assertThat(polite.closedByServer()).isTrue();
            abruptOne.close();
            assertThat(abrupt.closedByServer()).isTrue();
            assertThat(List.of(service.closes().poll(10, TimeUnit.SECONDS), service.closes().poll(10, TimeUnit.SECONDS)))
                    .containsOnly(CloseReason.SERVICE_CLOSED);
            assertThat(politeOne.closeFuture().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isEqualTo(CloseReason.SERVICE_CLOSED);
            assertThat(politeOne.isOpen()).isFalse();
            politeOne.send("dropped, not thrown");
        }
    }

    /** A four-byte big-endian length, then that many bytes: written here, with no change to core. */
    static final class LengthFramer implements Framer {
        private final int max;

        LengthFramer(int max) {
            this.max = max;
        }

        @Override
        public void decode(ByteBuffer in, boolean endOfInput, Consumer<ByteBuffer> sink) throws ProtocolException {
            while (in.remaining() >= 4) {
                int length = in.getInt(in.position());
                if (length < 0 || length > max) {
                    throw new MalformedFrameException("bad frame length " + length);
                }
                if (in.remaining() < 4 + length) {
                    return;
                }
                int start = in.position() + 4, limit = in.limit();
                in.limit(start + length).position(start);
                sink.accept(in);
                in.limit(limit).position(start + length);
            }
        }

        @Override
        public void encode(ByteBuffer payload, Outbound out) {
            ByteBuffer length = ByteBuffer.allocate(4).putInt(0, payload.remaining());
            out.put(length);
            out.put(payload);
        }

        @Override
        public int maxMessageBytes() {
            return max;
        }
    }

    /** Echo-uppercase over length-prefixed frames, telling a bad frame apart in its own words. */
    static final class FramedEcho implements FramedService {
        @Override
        public String name() {
            return "framed-echo";
        }

        @Override
        public java.util.Optional<FramerFactory> framing() {
            return java.util.Optional.of(LengthFramer::new);
        }

        @Override
        public MessageHandler newHandler(ConnectionInfo info) {
            return new MessageHandler() {
                @Override
                public void onMessage(ByteBuffer message, Replies replies) {
                    EchoUppercase.answer(message, replies);
                }

                @Override
                public void onProtocolError(ProtocolException error, Replies replies) {
                    replies.send("-ERR " + error.getMessage());
                }
            };
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void runsACustomFramerAndLetsTheServiceAnswerABadFrame(String model) {
        try (RunningServer server = start(model, new FramedEcho()); LineClient client = server.connect()) {
            client.sendBytes(frame("hello")).sendBytes(frame("wor"));
            assertThat(readFrame(client)).isEqualTo("HELLO");
            assertThat(readFrame(client)).isEqualTo("WOR");
            client.sendBytes(new byte[] {(byte) 0xFF, 0, 0, 0});
            assertThat(readFrame(client)).isEqualTo("-ERR bad frame length -16777216");
            assertThat(client.closedByServer()).isTrue();
            server.await("a protocol error", Duration.ofSeconds(10),
                    s -> s.closes().get(CloseReason.PROTOCOL_ERROR) == 1L);
        }
    }

    private static byte[] frame(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static String readFrame(LineClient client) {
        int length = ByteBuffer.wrap(client.readBytes(4)).getInt();
        return client.readExactly(length);
    }
}
