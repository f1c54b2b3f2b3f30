package dev.turnstile.examples.chat;

import dev.turnstile.api.CloseReason;
import dev.turnstile.testing.Poll;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The room under load, under every in-process model: many members talking at once each hear every
 * other member's lines exactly once and in order, and a member who stops reading is dropped as a
 * slow consumer while the others chat on and miss nothing.
 */
@Timeout(180)
class ChatRoomTest {

    private static final int READ_TIMEOUT_MS = 30_000;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.turnstile.examples.chat.ChatServers#inProcessModels")
    void everyLineReachesEveryOtherMemberOnceAndInOrder(String model) throws Exception {
        int members = 200;
        int linesEach = 20;
        Chat chat = new Chat();
        try (RunningServer server = ChatServers.start(model, chat);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < members; i++) {
                    sockets.add(connect(server));
                }
                CountDownLatch everyoneIn = new CountDownLatch(1);
                List<Future<Heard>> heard = new ArrayList<>();
                for (Socket socket : sockets) {
                    heard.add(threads.submit(() -> talkThenListen(socket, everyoneIn, linesEach, (members - 1) * linesEach)));
                }
                Poll.until("all " + members + " in the room", Duration.ofSeconds(30), chat::memberCount, n -> n == members);
                everyoneIn.countDown();

                List<String> names = new ArrayList<>();
                for (Future<Heard> f : heard) {
                    Heard h = f.get(120, TimeUnit.SECONDS);
                    names.add(h.self());
                    assertThat(h.linesFrom()).as("%s heard each other member", h.self())
                            .hasSize(members - 1)
                            .doesNotContainKey(h.self())
                            .allSatisfy((sender, count) -> assertThat(count).as("lines from " + sender).isEqualTo(linesEach));
                }
                assertThat(names).doesNotHaveDuplicates().hasSize(members);
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            Poll.until("the room empties", Duration.ofSeconds(30), chat::memberCount, n -> n == 0);
        }
    }

    /** What one member heard: its own name and how many lines from each other member. */
    record Heard(String self, Map<String, Integer> linesFrom) {
    }

    /**
     * Reads the welcome, waits until everyone is in, sends lines "0" to "linesEach - 1", then reads
     * until {@code expected} chat lines came, checking each sender's numbers arrive in order.
     */
    private static Heard talkThenListen(Socket socket, CountDownLatch everyoneIn, int linesEach, int expected)
            throws IOException, InterruptedException {
        BufferedReader in = reader(socket);
        String self = in.readLine().substring("welcome ".length());
        assertThat(everyoneIn.await(60, TimeUnit.SECONDS)).isTrue();
        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < linesEach; i++) {
            out.write((i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
        Map<String, Integer> next = new HashMap<>();
        for (int got = 0; got < expected; ) {
            String line;
            try {
                line = in.readLine();
            } catch (SocketTimeoutException e) {
                throw new AssertionError(self + " heard " + got + " of " + expected + " lines, then nothing: " + next, e);
            }
            assertThat(line).as("%s: line %d of %d", self, got, expected).isNotNull();
            if (line.startsWith("* ")) {
                continue; // "* guest-9 joined": the room was still filling when this member came in
            }
            ChatLine chat = ChatLine.parse(line);
            int expectedNumber = next.getOrDefault(chat.sender(), 0);
            assertThat(chat.sender()).as("%s never hears itself", self).isNotEqualTo(self);
            assertThat(chat.number()).as("%s: next line from %s", self, chat.sender()).isEqualTo(expectedNumber);
            next.put(chat.sender(), expectedNumber + 1);
            got++;
        }
        return new Heard(self, next);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.turnstile.examples.chat.ChatServers#inProcessModels")
    void dropsAMemberWhoStopsReadingWhileTheOthersChatOnAndMissNothing(String model) throws Exception {
        Chat chat = new Chat();
        String pad = " " + "x".repeat(1000);
        try (RunningServer server = ChatServers.start(model, chat, b -> b.maxPendingBytes(64 * 1024));
             Socket sleeper = new Socket();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            sleeper.setReceiveBufferSize(4096); // a small window: the server's queue for it fills sooner
            sleeper.connect(new InetSocketAddress("127.0.0.1", server.port()));
            Poll.until("the sleeper in the room", Duration.ofSeconds(10), chat::memberCount, n -> n == 1);
            try (Socket ada = connect(server); Socket bob = connect(server)) {
                Poll.until("all three in the room", Duration.ofSeconds(10), chat::memberCount, n -> n == 3);
                // Credits: a talker may be at most 16 lines (16 KiB, under the 64 KiB bound) ahead of
                // the other talker's reading, so only the sleeper ever falls behind.
                Semaphore adaMaySend = new Semaphore(16);
                Semaphore bobMaySend = new Semaphore(16);
                CompletableFuture<Void> adaHeardTheSleeperLeave = new CompletableFuture<>();
                CompletableFuture<Void> bobHeardTheSleeperLeave = new CompletableFuture<>();
                Future<Integer> adaHeard = threads.submit(() -> listen(ada, bobMaySend, adaHeardTheSleeperLeave));
                Future<Integer> bobHeard = threads.submit(() -> listen(bob, adaMaySend, bobHeardTheSleeperLeave));

                int sent = 0; // by each
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!(adaHeardTheSleeperLeave.isDone() && bobHeardTheSleeperLeave.isDone())) {
                    assertThat(System.nanoTime() - deadline).as("the sleeper is dropped in time (sent %d)", sent).isNegative();
                    assertThat(adaMaySend.tryAcquire(30, TimeUnit.SECONDS)).as("bob keeps up with ada").isTrue();
                    write(ada, sent + pad);
                    assertThat(bobMaySend.tryAcquire(30, TimeUnit.SECONDS)).as("ada keeps up with bob").isTrue();
                    write(bob, sent + pad);
                    sent++;
                }
                write(ada, "end");
                write(bob, "end");

                assertThat(adaHeard.get(60, TimeUnit.SECONDS)).as("ada heard every line of bob's").isEqualTo(sent);
                assertThat(bobHeard.get(60, TimeUnit.SECONDS)).as("bob heard every line of ada's").isEqualTo(sent);
                // the room drops the member before its close is counted: wait for the count, then check it is one
                assertThat(server.await("the sleeper's close counted", Duration.ofSeconds(10),
                        st -> st.closes().get(CloseReason.SLOW_CONSUMER) >= 1).closes().get(CloseReason.SLOW_CONSUMER))
                        .isEqualTo(1L);
                assertThat(chat.memberCount()).isEqualTo(2);
                assertThat(endsWithin(sleeper)).as("the sleeper's connection was closed").isTrue();
            }
        }
    }

    /**
     * Reads the other talker's numbered lines in order, giving a credit back for each, until its
     * "end"; completes {@code sleeperLeft} on "* guest-1 left". Returns how many lines it heard.
     */
    private static int listen(Socket socket, Semaphore othersCredits, CompletableFuture<Void> sleeperLeft)
            throws IOException {
        BufferedReader in = reader(socket);
        int heard = 0;
        while (true) {
            String line = in.readLine();
            assertThat(line).as("line after %d heard", heard).isNotNull();
            if (line.equals("* guest-1 left")) {
                sleeperLeft.complete(null);
            } else if (!line.startsWith("* ") && !line.startsWith("welcome ")) {
                ChatLine chat = ChatLine.parse(line);
                if (chat.text().equals("end")) {
                    return heard;
                }
                assertThat(chat.number()).as("next line from %s", chat.sender()).isEqualTo(heard);
                heard++;
                othersCredits.release();
            }
        }
    }

    /** A line as a member hears it: {@code guest-7: 12 and the rest}. */
    record ChatLine(String sender, String text) {
        static ChatLine parse(String line) {
            int colon = line.indexOf(": ");
            assertThat(colon).as("a chat line: '%s'", line).isPositive();
            return new ChatLine(line.substring(0, colon), line.substring(colon + 2));
        }

        int number() {
            int space = text.indexOf(' ');
            return Integer.parseInt(space < 0 ? text : text.substring(0, space));
        }
    }

    private static Socket connect(RunningServer server) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 64 * 1024);
    }

    private static void write(Socket socket, String line) {
        try {
            socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True if the server closed {@code socket} (end of input or reset) within the read timeout. */
    private static boolean endsWithin(Socket socket) throws IOException {
        socket.setSoTimeout(READ_TIMEOUT_MS);
        byte[] buffer = new byte[64 * 1024];
        try {
            while (socket.getInputStream().read(buffer) >= 0) {
                // what the server had written before it dropped the sleeper
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset: the server dropped what it had not written
        }
    }
}
