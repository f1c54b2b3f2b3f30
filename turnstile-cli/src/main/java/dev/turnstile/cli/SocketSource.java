package dev.turnstile.cli;

import dev.turnstile.api.ListenOn;
import dev.turnstile.posix.DescriptorOutput;
import dev.turnstile.posix.SocketActivation;
import dev.turnstile.posix.SocketActivation.PassedSocket;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code serve}'s listening socket comes from, settled before any model starts.
 *
 * <ol>
 * <li>Sockets passed by systemd ({@code LISTEN_PID} is ours, {@code LISTEN_FDS} from descriptor
 *     3): the one {@link SocketActivation#choose} picks ({@code --socket-name}, else the only one,
 *     else the one named "turnstile") is moved onto standard input.</li>
 * <li>Else with {@code --inherit-stdin}: standard input must be a listening socket (inetd
 *     {@code wait} style, or {@code 0<&3} in a shell).</li>
 * <li>Else the model binds {@code --host}:{@code --port}.</li>
 * </ol>
 * In the first two cases every model serves descriptor 0 ({@link ListenOn#STANDARD_INPUT}) and
 * binds nothing, and {@code System.out} and {@code System.err} are moved onto duplicates of
 * descriptors 1 and 2 ({@link DescriptorOutput}): the JDK points 0, 1 and 2 at /dev/null when the
 * inherited channel closes at stop, which would swallow the stop's log and summary. Not detected from standard input alone: a listening socket there by accident
 * would otherwise silently replace {@code --port}.
 */
final class SocketSource {

    private SocketSource() {
    }

    /** Prepares the inherited socket if there is one and says where the model listens. */
    static ListenOn settle(Map<String, String> environment, long pid, boolean inheritStdin, Optional<String> socketName)
            throws IOException {
        List<PassedSocket> passed = SocketActivation.passed(environment, pid);
        if (!passed.isEmpty()) {
            PassedSocket chosen = SocketActivation.choose(passed, socketName);
            SocketActivation.moveToStandardInput(chosen, passed);
            keepStandardStreams();
            return ListenOn.STANDARD_INPUT;
        }
        if (socketName.isPresent()) {
            throw new IllegalArgumentException("--socket-name " + socketName.get()
                    + ": no sockets were passed (LISTEN_PID and LISTEN_FDS do not name this process)");
        }
        if (inheritStdin) {
            SocketActivation.requireListeningStandardInput();
            keepStandardStreams();
            return ListenOn.STANDARD_INPUT;
        }
        return ListenOn.ADDRESS;
    }

    private static void keepStandardStreams() throws IOException {
        System.out.flush();
        System.err.flush();
        System.setOut(new PrintStream(DescriptorOutput.duplicateOf(1), true, System.out.charset()));
        System.setErr(new PrintStream(DescriptorOutput.duplicateOf(2), true, System.err.charset()));
    }
}
