package dev.turnstile.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --pid-file: written, removed only while it names us, and a stale file replaced. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PidFileTest {

    @TempDir
    Path dir;

    @Test
    void writesOurPidAndRemovesItAtStop() throws IOException {
        Path file = dir.resolve("t.pid");
        PidFile pids = PidFile.claim(file, 4242);
        pids.write();
        assertThat(Files.readString(file)).isEqualTo("4242\n");
        pids.remove();
        assertThat(file).doesNotExist();
    }

    @Test
    void leavesAFileThatANewerServerRewrote() throws IOException {
        Path file = dir.resolve("t.pid");
        PidFile pids = PidFile.claim(file, 4242);
        pids.write();
        Files.writeString(file, "4343\n");
        pids.remove();
        assertThat(Files.readString(file)).isEqualTo("4343\n");
    }

    @Test
    void anUpgradesNewServerTakesTheFileOverFromItsPredecessor() throws IOException {
        Path file = dir.resolve("t.pid");
        long running = ProcessHandle.current().pid(); // this JVM: its command line names turnstile's classes
        Files.writeString(file, running + "\n");
        assertThatThrownBy(() -> PidFile.claim(file, 4242)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("names turnstile process " + running);
        PidFile.claim(file, 4242, Optional.of(running)).write();
        assertThat(Files.readString(file)).isEqualTo("4242\n");
    }

    @Test
    void replacesAFileNamingAGoneProcessOrSomethingElse() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Path file = dir.resolve("t.pid");
        Files.writeString(file, gone.pid() + "\n");
        PidFile.claim(file, 4242).write();
        assertThat(Files.readString(file)).isEqualTo("4242\n");
        Files.writeString(file, "not a pid");
        PidFile.claim(file, 4242).write();
        assertThat(Files.readString(file)).isEqualTo("4242\n");
    }

    @Test
    void aLiveProcessThatIsNotTurnstileDoesNotHoldTheFile() throws Exception {
        Process other = new ProcessBuilder("sleep", "30").start(); // a reused pid, say
        try {
            Path file = dir.resolve("t.pid");
            Files.writeString(file, other.pid() + "\n");
            PidFile.claim(file, 4242).write();
            assertThat(Files.readString(file)).isEqualTo("4242\n");
        } finally {
            other.destroyForcibly();
            other.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
