package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ExecCommandTest {

    @Test
    void splitsAsAShellDoesWithoutExpanding() {
        assertThat(ExecCommand.split("sh -c 'echo \"$x\" | tr a-z A-Z'"))
                .containsExactly("sh", "-c", "echo \"$x\" | tr a-z A-Z");
        assertThat(ExecCommand.split("a\\ b \"c \\\"d\\\" \\x\" ''")).containsExactly("a b", "c \"d\" \\x", "");
        assertThat(ExecCommand.split("  cat  ")).containsExactly("cat");
    }

    @Test
    void joinQuotesSoThatSplitGivesTheWordsBack() {
        List<String> words = List.of("sh", "-c", ProcessPerConnectionTest.SHELL_UPPERCASE, "it's", "");
        assertThat(ExecCommand.split(ExecCommand.join(words))).isEqualTo(words);
    }

    @Test
    void badCommandLinesNameTheOption() {
        assertThatThrownBy(() -> ExecCommand.split("sh -c 'oops")).hasMessageStartingWith("exec: unclosed '");
        assertThatThrownBy(() -> ExecCommand.split("   ")).hasMessage("exec needs a command (got nothing)");
    }

    @Test
    void exitCodesCarryTheCloseReason() {
        for (CloseReason reason : CloseReason.values()) {
            ExitStatus status = ExitStatus.exited(ExitCodes.forCloseReason(reason));
            assertThat(ExitCodes.closeReason(status)).isEqualTo(reason);
            assertThat(ExitCodes.isCrash(status)).as(reason.name()).isFalse();
        }
        assertThat(ExitCodes.isCrash(ExitStatus.exited(ExitCodes.OUT_OF_MEMORY))).isTrue();
        assertThat(ExitCodes.isCrash(ExitStatus.killed(Signal.KILL))).isTrue();
        assertThat(ExitCodes.closeReason(ExitStatus.exited(ExitCodes.TERMINATED))).isEqualTo(CloseReason.SHUTDOWN);
        assertThat(ExitCodes.describe(ExitStatus.exited(3))).isEqualTo("exited with code 3 (out of memory)");
    }
}
