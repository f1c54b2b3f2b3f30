package dev.turnstile.posix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** sd_notify datagrams from {@link NotifySocket} to a {@link NotifyInbox}, and the listening-socket check. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NotifySocketTest {

    @TempDir
    Path dir;

    @Test
    void aMessageArrivesAsOneDatagramAtThePathInNotifySocket() throws IOException {
        try (NotifyInbox inbox = NotifyInbox.bind(dir.resolve("notify"));
             NotifySocket client = NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", inbox.path().toString())).orElseThrow()) {
            client.send("READY=1\nSTATUS=serving");
            client.send("STOPPING=1");
            assertThat(inbox.receive(Duration.ofSeconds(5))).contains("READY=1\nSTATUS=serving");
            assertThat(inbox.receive(Duration.ofSeconds(5))).contains("STOPPING=1");
            assertThat(inbox.receive(Duration.ofMillis(20))).isEmpty();
        }
        assertThat(dir.resolve("notify")).doesNotExist();
    }

    @Test
    void noNotifySocketMeansNoClient() throws IOException {
        assertThat(NotifySocket.fromEnvironment(Map.of())).isEmpty();
    }

    @Test
    void sendingToASocketNobodyBoundFailsNamingIt() throws IOException {
        try (NotifySocket client = NotifySocket.open(dir.resolve("nobody").toString())) {
            assertThatThrownBy(() -> client.send("READY=1")).hasMessageContaining("nobody");
        }
    }

    @Test
    void onlyAListeningStreamSocketPassesTheCheck() throws IOException {
        try (Listener listening = Posix.listen(new InetSocketAddress("127.0.0.1", 0), 4, ListenMode.SHARED);
             Listener bound = Posix.listen(new InetSocketAddress("127.0.0.1", 0), 4, ListenMode.REUSE_PORT_RESERVATION)) {
            NativeListener.requireListeningStream(listening.fd());
            assertThatThrownBy(() -> NativeListener.requireListeningStream(bound.fd())).hasMessageContaining("not listening");
        }
    }
}
