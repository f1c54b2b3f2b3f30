package dev.turnstile.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;

import static dev.turnstile.core.PeerLimits.Verdict.OPENED;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class AcceptRateTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void letsABurstOfTheRateThroughThenRefillsAtTheRate() throws Exception {
        AcceptRate rate = new AcceptRate(5);
        InetAddress a = InetAddress.getByName("127.0.0.1");
        int opened = 0;
        for (int i = 0; i < 20; i++) {
            if (rate.tryAccept(a, 0) == OPENED) {
                opened++;
            }
        }
        assertThat(opened).isEqualTo(5);
        assertThat(rate.tryAccept(a, SECOND / 10)).isNotEqualTo(OPENED); // half a token
        assertThat(rate.tryAccept(a, SECOND / 5)).isEqualTo(OPENED);      // one token by now
        assertThat(rate.tryAccept(InetAddress.getByName("127.0.0.2"), SECOND / 5)).isEqualTo(OPENED);
    }

    @Test
    void dropsBucketsIdleForASecondOnceManyAreHeld() throws Exception {
        AcceptRate rate = new AcceptRate(5);
        int sources = AcceptRate.SWEEP_ABOVE + 100;
        for (int i = 0; i < sources; i++) {
            rate.tryAccept(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}), 0);
        }
        assertThat(rate.tracked()).isEqualTo(sources);
        rate.tryAccept(InetAddress.getByName("127.0.0.1"), 2 * SECOND);
        assertThat(rate.tracked()).isEqualTo(1);
    }
}
