package dev.turnstile.model.prefork;

import dev.turnstile.model.process.ClassDataArchive;
import dev.turnstile.model.process.Scoreboard;
import dev.turnstile.model.process.ServiceSpec;
import dev.turnstile.model.process.WorkerArguments;
import dev.turnstile.model.process.WorkerJvm;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.posix.ListenMode;
import dev.turnstile.posix.Posix;
import dev.turnstile.posix.Spawn;

import java.io.IOException;
import java.net.InetSocketAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of a {@link PoolWorker}: the service and limits, the master's pid, the
 * scoreboard slot, threads, connection limit, balance and the worker model, if any
 * ({@link HostedModel}); with shared accept, the listening
 * socket as its stdin; with reuseport and a worker model, a SO_REUSEPORT socket of its own as
 * its stdin, made here (the in-process model serves standard input, and the worker JVM has no
 * native access to bind one itself). Its stdout goes to stderr, so a worker never writes into the master's
 * stdout (which the CLI's first line, "listening on", is read from).
 *
 * @param listenerFd the shared listening socket's descriptor (unused with reuseport)
 */
record PoolWorkerCommand(WorkerJvm jvm, Optional<ClassDataArchive> archive, ServiceSpec spec, long masterPid,
                         Scoreboard board, PoolPlan plan, int listenerFd, Optional<HostedModel> hosted)
        implements PoolMaster.WorkerLauncher {

    private static final int STDERR = 2;

    @Override
    public Spawn spawn(int slot, long connectionLimit) throws IOException {
        List<String> args = new ArrayList<>(spec.toArguments());
        WorkerArguments.add(args, "master-pid", masterPid);
        WorkerArguments.add(args, "scoreboard", board.file());
        WorkerArguments.add(args, "slot", slot);
        WorkerArguments.add(args, "threads", plan.threadsPerWorker());
        WorkerArguments.add(args, "max-connections", connectionLimit);
        WorkerArguments.add(args, "balance", plan.balance().cliName());
        hosted.ifPresent(h -> h.addTo(args));
        Spawn spawn = Spawn.of(jvm.withOptions(archive.map(ClassDataArchive::options).orElse(List.of()))
                .command(PoolWorker.class, args)).stdout(STDERR);
        if (plan.balance() == Balance.SHARED) {
            return spawn.stdin(listenerFd);
        }
        if (hosted.isPresent()) { // its own SO_REUSEPORT socket, made here: a worker never calls the native layer
            ServerConfig c = spec.config();
            return spawn.stdin(Posix.listen(new InetSocketAddress(c.host(), c.port()), c.acceptBacklog(),
                    ListenMode.REUSE_PORT).fd());
        }
        return spawn; // the built-in worker binds its own with the JDK
    }

    /** The master's copy of a worker's own reuseport socket closes once the worker has it (or failed to start). */
    @Override
    public void spawnFinished(Spawn spawn) {
        if (plan.balance() == Balance.REUSEPORT && spawn.stdin() != Spawn.INHERIT) {
            Posix.closeQuietly(spawn.stdin());
        }
    }
}
