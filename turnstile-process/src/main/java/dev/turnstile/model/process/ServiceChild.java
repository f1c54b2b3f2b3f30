package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.posix.AcceptedSocket;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Spawn;

import java.util.List;
import java.util.Optional;

/**
 * A {@link ConnectionWorker} JVM per connection, running the configured turnstile service.
 *
 * @param jvm       how to start the JVM
 * @param archive   the class-data archive to start it with, if there is one
 * @param spec      the service and limits, passed as arguments
 * @param masterPid the master's pid, so the child can tell when it is orphaned
 * @param board     the master's scoreboard, where the child reports its counters
 */
record ServiceChild(WorkerJvm jvm, Optional<ClassDataArchive> archive, ServiceSpec spec, long masterPid,
                    Scoreboard board) implements ChildCommand {

    @Override
    public Spawn spawn(AcceptedSocket connection, int slot) {
        List<String> jvmOptions = archive.map(ClassDataArchive::options).orElse(List.of());
        List<String> args = ConnectionWorker.arguments(spec, masterPid, Optional.of(board.slot(slot)));
        return Spawn.of(jvm.withOptions(jvmOptions).command(ConnectionWorker.class, args))
                .stdin(connection.fd()).stdout(connection.fd());
    }

    @Override
    public boolean reportsToScoreboard() {
        return true;
    }

    @Override
    public CloseReason closeReason(ExitStatus status) {
        return ExitCodes.closeReason(status);
    }

    @Override
    public boolean isCrash(ExitStatus status) {
        return ExitCodes.isCrash(status);
    }

    @Override
    public boolean cannotBoot(ExitStatus status) {
        return status.signal() == 0 && status.code() == ExitCodes.CANNOT_BOOT;
    }

    @Override
    public String describe() {
        return "a JVM per connection running " + spec.serviceClass()
                + archive.map(a -> " (class-data archive " + a.file() + (a.ready() ? ")" : ": none yet)"))
                        .orElse(" (no class-data archive)");
    }
}
