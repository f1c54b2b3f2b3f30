package dev.turnstile.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** WATCHDOG_USEC and WATCHDOG_PID read as sd_watchdog_enabled(3) reads them. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SystemdNotifierTest {

    @Test
    void watchdogPingsOnlyWhenWatchdogUsecIsMeantForUs() {
        assertThat(SystemdNotifier.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000"), 7)).contains(Duration.ofSeconds(30));
        assertThat(SystemdNotifier.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "7"), 7)).isPresent();
        assertThat(SystemdNotifier.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "8"), 7)).isEmpty();
        assertThat(SystemdNotifier.watchdogInterval(Map.of("WATCHDOG_USEC", "0"), 7)).isEmpty();
        assertThat(SystemdNotifier.watchdogInterval(Map.of(), 7)).isEmpty();
    }
}
