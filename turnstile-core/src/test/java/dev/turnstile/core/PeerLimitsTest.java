package dev.turnstile.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;

import static dev.turnstile.core.PeerLimits.Verdict.OPENED;
import static dev.turnstile.core.PeerLimits.Verdict.REFUSED;
import static dev.turnstile.core.PeerLimits.Verdict.REFUSED_AND_WARN;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class PeerLimitsTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void refusesASourceAtItsLimitAndWarnsOncePerTenSeconds() throws Exception {
        PeerLimits limits = new PeerLimits(2);
        InetAddress a = InetAddress.getByName("127.0.0.1");
        InetAddress b = InetAddress.getByName("127.0.0.2");
        assertThat(limits.tryOpen(a, 0)).isEqualTo(OPENED);
        assertThat(limits.tryOpen(a, 0)).isEqualTo(OPENED);
        assertThat(limits.tryOpen(a, 1)).isEqualTo(REFUSED_AND_WARN);
        assertThat(limits.tryOpen(a, 5 * SECOND)).isEqualTo(REFUSED);
        assertThat(limits.tryOpen(b, 5 * SECOND)).isEqualTo(OPENED);
        assertThat(limits.tryOpen(a, 11 * SECOND)).isEqualTo(REFUSED_AND_WARN);
        limits.close(a);
        assertThat(limits.tryOpen(a, 12 * SECOND)).isEqualTo(OPENED);
        assertThat(limits.open(a)).isEqualTo(2);
    }

    @Test
    void forgetsASourceWhenItsLastConnectionCloses() throws Exception {
        PeerLimits limits = new PeerLimits(3);
        for (int i = 1; i <= 100; i++) {
            InetAddress peer = InetAddress.getByName("127.0.1." + i);
            limits.tryOpen(peer, 0);
            limits.tryOpen(peer, 0);
            limits.close(peer);
            limits.close(peer);
        }
        assertThat(limits.tracked()).isZero();
    }
}
