package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.posix.AcceptedSocket;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Spawn;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link ConnectionWorker} JVM per connection, running the configured turnstile service.
 *
 * @param jvm       how to start the JVM
 * @param archive   the class-data archive to start it with, once that is ready
 * @param spec      the service and limits, passed as arguments
 * @param masterPid the master's pid, so the child can tell when it is orphaned
 */
record ServiceChild(WorkerJvm jvm, Optional<ClassDataArchive> archive, ServiceSpec spec, long masterPid)
        implements ChildCommand {

    @Override
    public Spawn spawn(AcceptedSocket connection) {
        return Spawn.of(command(spec, archive.map(ClassDataArchive::options).orElse(List.of())))
                .stdin(connection.fd()).stdout(connection.fd());
    }

    /** The worker's command line for {@code served}, with extra JVM options. */
    List<String> command(ServiceSpec served, List<String> jvmOptions) {
        List<String> args = new ArrayList<>(served.toArguments());
        WorkerArguments.add(args, "master-pid", masterPid);
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
