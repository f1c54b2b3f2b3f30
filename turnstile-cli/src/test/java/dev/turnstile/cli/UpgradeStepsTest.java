package dev.turnstile.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pieces of an upgrade that need no second process: the new copy's command and environment, and what counts as ready. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class UpgradeStepsTest {

    @Test
    void theNewCopyRunsThisJavaWithThisCommandLine() throws Exception {
        var command = Upgrade.thisCommand();
        assertThat(Path.of(command.getFirst())).isEqualTo(Path.of("/proc/self/exe").toRealPath());
        assertThat(Files.isExecutable(Path.of(command.getFirst()))).isTrue();
        assertThat(command.subList(1, command.size())).containsExactlyElementsOf(
                ProcessHandle.current().info().arguments().map(java.util.List::of).orElseThrow());
    }

    @Test
    void theNewCopyGetsNeitherSystemdsSocketsNorItsWatchdogPidButItsNotifySocketAndItsPredecessor() {
        Upgrade upgrade = new Upgrade(Map.of("LISTEN_PID", "10", "LISTEN_FDS", "1", "LISTEN_FDNAMES", "turnstile",
                "WATCHDOG_PID", "10", "WATCHDOG_USEC", "30000000", "NOTIFY_SOCKET", "/run/systemd/notify", "HOME", "/root",
                Upgrade.FROM, "9"), 10, () -> 0, java.time.Duration.ofSeconds(1));
        Map<String, String> env = upgrade.successorEnvironment(Path.of("/tmp/inbox.sock"));
        assertThat(env).doesNotContainKeys("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "WATCHDOG_PID")
                .containsEntry("NOTIFY_SOCKET", "/run/systemd/notify").containsEntry("WATCHDOG_USEC", "30000000")
                .containsEntry("HOME", "/root").containsEntry(Upgrade.FROM, "10")
                .containsEntry(Upgrade.NOTIFY, "/tmp/inbox.sock");
        assertThat(Predecessor.fromEnvironment(env)).contains(new Predecessor(10, "/tmp/inbox.sock"));
        assertThat(Predecessor.fromEnvironment(Map.of())).isEmpty();
        assertThatThrownBy(() -> Predecessor.fromEnvironment(Map.of(Upgrade.FROM, "x", Upgrade.NOTIFY, "/a")))
                .hasMessageContaining(Upgrade.FROM);
    }

    @Test
    void readyMeansReadyFromThatVeryChild() {
        assertThat(Upgrade.isReady("MAINPID=77\nREADY=1", 77)).isTrue();
        assertThat(Upgrade.isReady("READY=1\nMAINPID=77\nSTATUS=serving", 77)).isTrue();
        assertThat(Upgrade.isReady("READY=1\nMAINPID=78", 77)).isFalse();
        assertThat(Upgrade.isReady("MAINPID=77", 77)).isFalse();
        assertThat(Upgrade.isReady("READY=1\nMAINPID=770", 77)).isFalse();
    }
}
