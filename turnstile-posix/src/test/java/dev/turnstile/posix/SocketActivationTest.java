package dev.turnstile.posix;

import dev.turnstile.posix.SocketActivation.PassedSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sd_listen_fds contract as read from an environment, and the choice of the socket to serve. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SocketActivationTest {

    @Test
    void readsDescriptorsFromThreeWithTheirNamesWhenListenPidIsOurs() {
        List<PassedSocket> passed = SocketActivation.passed(
                Map.of("LISTEN_PID", "42", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "admin:turnstile"), 42);
        assertThat(passed).containsExactly(new PassedSocket(3, "admin"), new PassedSocket(4, "turnstile"));
    }

    @Test
    void ignoresSocketsMeantForAnotherProcess() {
        assertThat(SocketActivation.passed(Map.of("LISTEN_PID", "41", "LISTEN_FDS", "1"), 42)).isEmpty();
        assertThat(SocketActivation.passed(Map.of("LISTEN_FDS", "1"), 42)).isEmpty();
        assertThat(SocketActivation.passed(Map.of(), 42)).isEmpty();
    }

    @Test
    void namesAreUnknownWhenTheNamesDoNotMatchTheCount() {
        assertThat(SocketActivation.passed(Map.of("LISTEN_PID", "7", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "one"), 7))
                .extracting(PassedSocket::name).containsExactly("unknown", "unknown");
    }

    @Test
    void refusesACountThatIsNotANumber() {
        assertThatThrownBy(() -> SocketActivation.passed(Map.of("LISTEN_PID", "7", "LISTEN_FDS", "x"), 7))
                .hasMessageContaining("LISTEN_FDS is not a number");
    }

    @Test
    void servesTheOnlySocketWhateverItsNameAndOtherwiseTheOneNamedTurnstileOrAsked() {
        PassedSocket only = new PassedSocket(3, "web");
        assertThat(SocketActivation.choose(List.of(only), Optional.empty())).isEqualTo(only);
        List<PassedSocket> two = List.of(new PassedSocket(3, "admin"), new PassedSocket(4, "turnstile"));
        assertThat(SocketActivation.choose(two, Optional.empty()).fd()).isEqualTo(4);
        assertThat(SocketActivation.choose(two, Optional.of("admin")).fd()).isEqualTo(3);
        assertThatThrownBy(() -> SocketActivation.choose(two, Optional.of("web")))
                .hasMessageContaining("no passed socket is named 'web'").hasMessageContaining("fd 3 'admin'");
        List<PassedSocket> unnamed = List.of(new PassedSocket(3, "a"), new PassedSocket(4, "b"));
        assertThatThrownBy(() -> SocketActivation.choose(unnamed, Optional.empty()))
                .hasMessageContaining("--socket-name");
    }

    @Test
    void unixAddressesEncodePathsWithTheirNulAndAbstractNamesWithALeadingNul() {
        byte[] path = UnixAddresses.encode("/run/x");
        assertThat(path).hasSize(2 + 6 + 1);
        assertThat(path[2]).isEqualTo((byte) '/');
        assertThat(path[path.length - 1]).isZero();
        byte[] abstractName = UnixAddresses.encode("@sd");
        assertThat(abstractName).containsExactly((byte) Libc.AF_UNIX, 0, 0, 's', 'd');
        assertThatThrownBy(() -> UnixAddresses.encode("relative")).hasMessageContaining("absolute path");
    }
}
