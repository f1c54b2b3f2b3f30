package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.posix.AcceptedSocket;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Spawn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link ConnectionWorker} JVM per connection, running the configured turnstile service.
 *
 * @param jvm       how to start the JVM
 * @param archive   the class-data archive to start it with, once that is ready
 * @param spec      the service and limits, passed as arguments
 * @param masterPid  the master's pid, so the child can tell when it is orphaned
 * @param scoreboard the master's scoreboard, where the child reports its counters
 */
record ServiceChild(WorkerJvm jvm, Optional<ClassDataArchive> archive, ServiceSpec spec, long masterPid,
                    Optional<Path> scoreboard) implements ChildCommand {

    @Override
    public Spawn spawn(AcceptedSocket connection, int slot) {
        return Spawn.of(command(spec, archive.map(ClassDataArchive::options).orElse(List.of()), slot))
                .stdin(connection.fd()).stdout(connection.fd());
    }

    @Override
    public boolean reportsToScoreboard() {
        return scoreboard.isPresent();
    }

    /** The worker's command line for {@code served}, with extra JVM options, reporting in {@code slot} (if not negative). */
    List<String> command(ServiceSpec served, List<String> jvmOptions, int slot) {
        List<String> args = new ArrayList<>(served.toArguments());
        WorkerArguments.add(args, "master-pid", masterPid);
        if (slot >= 0 && scoreboard.isPresent()) {
            WorkerArguments.add(args, "scoreboard", scoreboard.get());
            WorkerArguments.add(args, "slot", slot);
        }
        return jvm.withOptions(jvmOptions).command(ConnectionWorker.class, args);
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
                + archive.map(a -> " (class-data archive " + a.file() + (a.ready() ? "" : ", training") + ")")
                        .orElse(" (no class-data archive: the class path is not all jars)");
    }
}
