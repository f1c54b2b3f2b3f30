package dev.turnstile.cli;

import dev.turnstile.testing.Poll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SIGHUP to a real {@code serve --model process-pool} under load: long ping-pong conversations
 * that span the whole reload, plus churn (connect, one message, close) at a fixed rate. The
 * reload must refuse no connection, reset none, lose or garble no reply, and leave no worker of
 * before: every worker pid changes. The conversations begun before the reload are served to
 * their end by the old workers, which exit once their clients close.
 */
@Tag("process")
@Timeout(360)
class ReloadUnderLoadTest {

    private static final int CONVERSATIONS = 12;
    private static final Duration CHURN_EVERY = Duration.ofMillis(25); // 40 connections a second
    private static final Duration PAUSE = Duration.ofMillis(20);       // between a reply and the next message
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** What the clients saw; any thread. */
    private static final class Counts {
        final AtomicLong answered = new AtomicLong();
        final AtomicLong churned = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong resets = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        final AtomicLong missing = new AtomicLong();
        final AtomicLong other = new AtomicLong();
        final Set<String> problems = ConcurrentHashMap.newKeySet();

        void failed(Exception e, String where) {
            if (e instanceof ConnectException) {
                refused.incrementAndGet();
            } else if (e instanceof SocketTimeoutException) {
                missing.incrementAndGet();
            } else if (e instanceof SocketException && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("reset")) {
                resets.incrementAndGet();
            } else {
                other.incrementAndGet();
            }
            if (problems.size() < 10) {
                problems.add(where + ": " + e);
            }
        }

        @Override
        public String toString() {
            return "answered " + answered + " (churn " + churned + "), refused " + refused + ", resets " + resets
                    + ", wrong " + wrong + ", missing " + missing + ", other errors " + other + (problems.isEmpty() ? ""
                    : ", first problems " + problems);
        }
    }

    /** Sends {@code line} and checks the echo-uppercase reply; false (counted) if it did not come whole and right. */
    private static boolean exchange(OutputStream out, BufferedReader in, String line, Counts counts) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = in.readLine();
        if (reply == null) {
            counts.missing.incrementAndGet();
            counts.problems.add("end of stream instead of the reply to " + line);
            return false;
        }
        if (!reply.equals(line.toUpperCase(Locale.ROOT))) {
            counts.wrong.incrementAndGet();
            counts.problems.add("'" + reply + "' for " + line);
            return false;
        }
        counts.answered.incrementAndGet();
        return true;
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(Math.toIntExact(REPLY_TIMEOUT.toMillis()));
        return s;
    }

    /** Talks until {@code stopTalking} opens, waiting {@link #PAUSE} on it between messages (the think time). */
    private static void converse(int port, int id, CountDownLatch stopTalking, Counts counts) {
        try (Socket s = connect(port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            for (int m = 0; ; m++) {
                if (!exchange(out, in, "long" + id + "." + m, counts)
                        || stopTalking.await(PAUSE.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (IOException e) {
            counts.failed(e, "conversation " + id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void churn(int port, long n, Counts counts) {
        try (Socket s = connect(port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            if (exchange(s.getOutputStream(), in, "churn" + n, counts)) {
                counts.churned.incrementAndGet();
            }
        } catch (IOException e) {
            counts.failed(e, "churn " + n);
        }
    }

    private static Set<Long> workers(ServeProcess serve) {
        return serve.process().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    @Test
    void aReloadOfProcessPoolRefusesResetsAndLosesNothing() throws Exception {
        Path conf = dir.resolve("turnstile.conf");
        Files.writeString(conf, """
                model = process-pool
                port = 0
                workers = 3
                threads-per-worker = 16
                idle-timeout = 90s
                """);
        try (ServeProcess serve = ServeProcess.start(ServeProcess.javaServe(List.of("--config", conf.toString())), Map.of(),
                dir.resolve("serve.log"))) {
            int port = Integer.parseInt(serve.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(180)).group(1)); // a first run trains the workers' class-data archive
            Poll.until("3 workers", Duration.ofSeconds(30), () -> workers(serve).size() == 3);
            Set<Long> before = workers(serve);

            Counts counts = new Counts();
            CountDownLatch stopTalking = new CountDownLatch(1);
            List<Thread> conversations = new ArrayList<>();
            for (int i = 0; i < CONVERSATIONS; i++) {
                int id = i;
                conversations.add(Thread.ofVirtual().start(() -> converse(port, id, stopTalking, counts)));
            }
            List<Thread> churners = new ArrayList<>();
            AtomicLong churnNumber = new AtomicLong();
            ScheduledExecutorService churn = Executors.newSingleThreadScheduledExecutor();
            churn.scheduleAtFixedRate(() -> {
                long n = churnNumber.incrementAndGet();
                synchronized (churners) {
                    churners.add(Thread.ofVirtual().start(() -> churn(port, n, counts)));
                }
            }, 0, CHURN_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            Poll.until("load flowing", Duration.ofSeconds(30), () -> counts.churned.get() >= 40 && counts.answered.get() >= 400);

            Files.writeString(conf, """
                    model = process-pool
                    port = 0
                    workers = 3
                    threads-per-worker = 16
                    idle-timeout = 80s
                    max-message-bytes = 32768
                        """);
            long answeredBefore = counts.answered.get();
            new ProcessBuilder("kill", "-HUP", Long.toString(serve.process().pid())).inheritIO().start().waitFor();
            serve.awaitLine("reload: max-message-bytes: 65536 -> 32768", Duration.ofSeconds(30)); // in the help's order
            serve.awaitLine("reload: idle-timeout: 90s -> 80s", Duration.ofSeconds(5));
            Matcher done = serve.awaitLine("reload done in (\\d+) ms", Duration.ofSeconds(120));
            long reloadMillis = Long.parseLong(done.group(1));
            long answeredDuring = counts.answered.get() - answeredBefore;
            long churnAtReload = counts.churned.get();
            Poll.until("churn after the reload", Duration.ofSeconds(30), () -> counts.churned.get() >= churnAtReload + 40);

            churn.shutdown();
            assertThat(churn.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            stopTalking.countDown();
            for (Thread t : conversations) {
                t.join(REPLY_TIMEOUT.plusSeconds(10).toMillis());
            }
            synchronized (churners) {
                for (Thread t : churners) {
                    t.join(REPLY_TIMEOUT.plusSeconds(10).toMillis());
                }
            }
            // the old workers leave once their conversations have closed
            Poll.until("the workers of before gone", Duration.ofSeconds(30), () -> workers(serve).stream().noneMatch(before::contains));
            Set<Long> after = workers(serve);
            System.out.printf("reload of process-pool under load: %d ms; %s; %d replies during the reload; %d churn"
                            + " connections in all; workers %s -> %s; load average %s%n", reloadMillis, counts, answeredDuring,
                    churnNumber.get(), before, after, Files.readString(Path.of("/proc/loadavg")).strip());

            String seen = counts + "\nserve's output:\n" + serve.output().lines().filter(l -> !l.contains("[aot]"))
                    .collect(Collectors.joining("\n"));
            assertThat(counts.refused.get()).as(seen).isZero();
            assertThat(counts.resets.get()).as(seen).isZero();
            assertThat(counts.wrong.get()).as(seen).isZero();
            assertThat(counts.missing.get()).as(seen).isZero();
            assertThat(counts.other.get()).as(seen).isZero();
            assertThat(counts.churned.get()).as("every churn connection answered: " + counts).isEqualTo(churnNumber.get());
            assertThat(after).as("fresh workers").isNotEmpty().doesNotContainAnyElementsOf(before);
            assertThat(serve.terminate(Duration.ofSeconds(30))).isZero();
        }
    }
}
