package dev.turnstile.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(5)
class BackoffTest {

    @Test
    void doublesFromFiveMillisecondsUpToOneSecondAndResets() {
        Backoff b = new Backoff();
        assertThat(b.next()).isEqualTo(Duration.ofMillis(5));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(10));
        for (int i = 0; i < 20; i++) {
            b.next();
        }
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(1));
        b.reset();
        assertThat(b.next()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void lifecycleOnlyMovesForward() {
        Lifecycle l = new Lifecycle();
        l.start();
        assertThat(l.advanceTo(Lifecycle.State.DRAINING)).isTrue();
        assertThat(l.advanceTo(Lifecycle.State.RUNNING)).isFalse();
        assertThat(l.state()).isEqualTo(Lifecycle.State.DRAINING);
    }
}
