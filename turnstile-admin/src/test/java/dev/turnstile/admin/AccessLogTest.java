package dev.turnstile.admin;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ConnectionTotals;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class AccessLogTest {

    @TempDir
    Path dir;

    @Test
    void logsALinePerClosedConnectionOfAnInProcessModel() throws Exception {
        Path file = dir.resolve("access.log");
        List<Integer> clientPorts = new ArrayList<>();
        try (AccessLog log = AccessLog.toFile(file, AccessLogFormat.TEXT)) {
            try (RunningServer server = RunningServer.start("event-loop", ModelOptions.none(), b -> b.listener(log))) {
                for (int i = 0; i < 2; i++) {
                    try (LineClient client = server.connect()) {
                        clientPorts.add(client.localPort());
                        assertThat(client.ask("hello")).isEqualTo("HELLO");
                        assertThat(client.ask("again")).isEqualTo("AGAIN");
                    }
                }
                server.await("both closes", Duration.ofSeconds(10), s -> s.closed() == 2);
            }
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(lines.get(i))
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z id=\\d+ peer=127\\.0\\.0\\.1:" + clientPorts.get(i)
                            + " worker=loop-1 duration_ms=\\d+\\.\\d{3} messages=2 bytes_in=12 bytes_out=12 reason=peer_closed");
        }
    }

    @Test
    @Tag("process")
    void logsALinePerClosedConnectionOfTheProcessPoolWithTheWorkersFigures() throws Exception {
        Path file = dir.resolve("access.jsonl");
        List<Integer> clientPorts = new ArrayList<>();
        try (AccessLog log = AccessLog.toFile(file, AccessLogFormat.JSON)) {
            try (RunningServer server = RunningServer.start("process-pool", ModelOptions.none().withWorkers(2),
                    b -> b.listener(log))) {
                for (int i = 0; i < 3; i++) {
                    try (LineClient client = server.connect()) {
                        clientPorts.add(client.localPort());
                        assertThat(client.ask("ping " + i)).isEqualTo("PING " + i);
                    }
                }
                server.await("three closes reach the master", Duration.ofSeconds(30), s -> s.closed() == 3);
            }
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            String port = String.valueOf(clientPorts.get(i));
            assertThat(lines).anySatisfy(line -> assertThat(line)
                    .matches("\\{\"time\":\"\\S+Z\",\"id\":\\d+,\"peer\":\"127\\.0\\.0\\.1:" + port
                            + "\",\"worker\":\"worker-[12]\",\"duration_ms\":\\d+\\.\\d{3},\"messages\":1,\"bytes_in\":7,"
                            + "\"bytes_out\":7,\"reason\":\"peer_closed\"}"));
        }
    }

    @Test
    void countsWhatAFullQueueDropsAndSaysSoInTheLog() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StringWriter sink = new StringWriter();
        Writer blocking = new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sink.write(buf, off, len);
            }

            @Override
            public void write(String s) {
                write(s.toCharArray(), 0, s.length());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        AccessLog log = AccessLog.to(blocking, AccessLogFormat.TEXT, 2);
        log.connectionClosed(info(1), CloseReason.PEER_CLOSED, totals());
        assertTrue(entered.await(10, TimeUnit.SECONDS), "the writer took the first line");
        for (int i = 2; i <= 10; i++) {
            log.connectionClosed(info(i), CloseReason.IDLE_TIMEOUT, totals());
        }
        assertThat(log.dropped()).isEqualTo(7); // 1 being written, 2 queued
        release.countDown();
        log.close();

        assertThat(log.written()).isEqualTo(3);
        String[] lines = sink.toString().split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).contains(" id=1 ");
        assertThat(lines[1]).contains("dropped=7 ");
        assertThat(lines[2]).contains(" id=2 ").endsWith("reason=idle_timeout");
        assertThat(lines[3]).contains(" id=3 ");
    }

    @Test
    void quotesWhatJsonNeedsQuoted() {
        ConnectionInfo odd = new ConnectionInfo(5, new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 2),
                "w\"1\\");
        String line = AccessLogFormat.JSON.line(odd, CloseReason.RESET, totals());
        assertThat(line).contains("\"worker\":\"w\\\"1\\\\\"").contains("\"duration_ms\":1.500").contains("\"reason\":\"reset\"");
    }

    private static ConnectionInfo info(long id) {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 1000);
        return new ConnectionInfo(id, a, a, "worker-1");
    }

    private static ConnectionTotals totals() {
        return new ConnectionTotals(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofNanos(1_500_000), 1, 2, 3);
    }

}
