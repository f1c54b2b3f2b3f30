package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.posix.AcceptedSocket;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.HandOffLine;
import dev.turnstile.posix.Spawn;

import java.util.List;
import java.util.Optional;

/**
 * A {@link ConnectionWorker} JVM per connection, running the configured turnstile service: given
 * its connection at the spawn ({@link #spawn}), or, for a spare ({@link ConnectionDelivery#HAND_OFF}),
 * started with a {@link HandOffLine} and handed its connection later ({@link #spawnSpare}).
 *
 * @param jvm       how to start the JVM
 * @param archive   the class-data archive to start it with, if there is one
 * @param spec      the service and limits, passed as arguments
 * @param masterPid the master's pid, so the child can tell when it is orphaned
 * @param board     the master's scoreboard, where the child reports its counters
 * @param delivery  how its connection comes; {@code jvm} carries the options that needs
 */
record ServiceChild(WorkerJvm jvm, Optional<ClassDataArchive> archive, ServiceSpec spec, long masterPid,
                    Scoreboard board, ConnectionDelivery delivery) implements ChildCommand {

    ServiceChild(WorkerJvm jvm, Optional<ClassDataArchive> archive, ServiceSpec spec, long masterPid, Scoreboard board) {
        this(jvm, archive, spec, masterPid, board, ConnectionDelivery.STANDARD_INPUT);
    }

    /** A spare: its stdin is the child end of {@code line}; it reports in scoreboard slot {@code slot}. */
    Spawn spawnSpare(HandOffLine line, int slot) {
        if (delivery != ConnectionDelivery.HAND_OFF) {
            throw new IllegalStateException("this child command starts children for connections, not spares");
        }
        return Spawn.of(command(slot)).stdin(line.childEnd());
    }

    private List<String> command(int slot) {
        List<String> jvmOptions = archive.map(ClassDataArchive::options).orElse(List.of());
        List<String> args = ConnectionWorker.arguments(spec, masterPid, Optional.of(board.slot(slot)), delivery);
        return jvm.withOptions(jvmOptions).command(ConnectionWorker.class, args);
    }

    @Override
    public Spawn spawn(AcceptedSocket connection, int slot) {
        if (delivery != ConnectionDelivery.STANDARD_INPUT) {
            throw new IllegalStateException("this child command starts spares, not children for connections");
        }
        return Spawn.of(command(slot)).stdin(connection.fd()).stdout(connection.fd());
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
