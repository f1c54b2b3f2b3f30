package dev.turnstile.model.prefork;

import dev.turnstile.model.process.ClassDataArchive;
import dev.turnstile.model.process.Scoreboard;
import dev.turnstile.model.process.ServiceSpec;
import dev.turnstile.model.process.WorkerArguments;
import dev.turnstile.model.process.WorkerJvm;
import dev.turnstile.posix.Spawn;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of a {@link PoolWorker}: the service and limits, the master's pid, the
 * scoreboard slot, threads, connection limit and balance; with shared accept, the listening
 * socket as its stdin. Its stdout goes to stderr, so a worker never writes into the master's
 * stdout (which the CLI's first line, "listening on", is read from).
 *
 * @param listenerFd the shared listening socket's descriptor (unused with reuseport)
 */
record PoolWorkerCommand(WorkerJvm jvm, Optional<ClassDataArchive> archive, ServiceSpec spec, long masterPid,
                         Scoreboard board, PoolPlan plan, int listenerFd) implements PoolMaster.WorkerLauncher {

    private static final int STDERR = 2;

    @Override
    public Spawn spawn(int slot, long connectionLimit) {
        List<String> args = new ArrayList<>(spec.toArguments());
        WorkerArguments.add(args, "master-pid", masterPid);
        WorkerArguments.add(args, "scoreboard", board.file());
        WorkerArguments.add(args, "slot", slot);
        WorkerArguments.add(args, "threads", plan.threadsPerWorker());
        WorkerArguments.add(args, "max-connections", connectionLimit);
        WorkerArguments.add(args, "balance", plan.balance().cliName());
        Spawn spawn = Spawn.of(jvm.withOptions(archive.map(ClassDataArchive::options).orElse(List.of()))
                .command(PoolWorker.class, args)).stdout(STDERR);
        return plan.balance() == Balance.SHARED ? spawn.stdin(listenerFd) : spawn;
    }
}
