package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.posix.AcceptedSocket;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Signal;
import dev.turnstile.posix.Spawn;

import java.util.List;
import java.util.Map;

/**
 * Any program per connection, as ucspi-tcp's tcpserver runs one: the socket is its stdin and
 * stdout, stderr is the master's, and the environment says who is connected: PROTO=TCP,
 * TCPLOCALIP, TCPLOCALPORT, TCPREMOTEIP, TCPREMOTEPORT. The program is looked up in PATH.
 *
 * <p>Its exit code is its own business: 0 reads as the peer's close, anything else as a failure,
 * logged with the peer.
 *
 * @param command the program and its arguments
 */
record ExecChild(List<String> command) implements ChildCommand {

    ExecChild {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("exec needs a command");
        }
    }

    @Override
    public Spawn spawn(AcceptedSocket connection, int slot) {
        return Spawn.of(command).searchPath(true).withEnvironment(Map.of(
                "PROTO", "TCP",
                "TCPLOCALIP", connection.local().getAddress().getHostAddress(),
                "TCPLOCALPORT", String.valueOf(connection.local().getPort()),
                "TCPREMOTEIP", connection.remote().getAddress().getHostAddress(),
                "TCPREMOTEPORT", String.valueOf(connection.remote().getPort())))
                .stdin(connection.fd()).stdout(connection.fd());
    }

    @Override
    public boolean reportsToScoreboard() {
        return false;
    }

    @Override
    public CloseReason closeReason(ExitStatus status) {
        if (status.success()) {
            return CloseReason.PEER_CLOSED;
        }
        return status.killedBy(Signal.TERM) ? CloseReason.SHUTDOWN : CloseReason.SERVER_ERROR;
    }

    @Override
    public boolean isCrash(ExitStatus status) {
        return !status.success() && !status.killedBy(Signal.TERM);
    }

    @Override
    public boolean cannotBoot(ExitStatus status) {
        return false; // a program that cannot start fails posix_spawnp, which refuses that one connection
    }

    @Override
    public String describe() {
        return "exec " + ExecCommand.join(command);
    }
}
