package dev.turnstile.model.process;

import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Processes;
import dev.turnstile.posix.Signal;
import dev.turnstile.posix.Spawn;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Processes} without processes: records what a master spawns and signals, and lets the
 * test decide when each "child" exits and how. Single-threaded, like the master it drives.
 */
public final class FakeProcesses implements Processes {

    /** What the master did to a pid, in order. */
    public record Sent(int pid, Signal signal) {
    }

    private int nextPid = 1000;
    private final Map<Integer, Spawn> running = new LinkedHashMap<>();
    private final Map<Integer, ExitStatus> exited = new HashMap<>();
    public final List<Spawn> spawned = new ArrayList<>();
    public final List<Sent> sent = new ArrayList<>();
    public IOException failNextSpawn;
    /** A signalled child exits like this at once, as a real one would soon after; null keeps it running. */
    public final Map<Signal, ExitStatus> onSignal = new HashMap<>(Map.of(
            Signal.TERM, ExitStatus.exited(ExitCodes.TERMINATED), Signal.KILL, ExitStatus.killed(Signal.KILL)));

    @Override
    public int spawn(Spawn spawn) throws IOException {
        if (failNextSpawn != null) {
            IOException e = failNextSpawn;
            failNextSpawn = null;
            throw e;
        }
        int pid = nextPid++;
        running.put(pid, spawn);
        spawned.add(spawn);
        return pid;
    }

    /** Makes {@code pid} end with {@code status}; the master sees it on its next reap. */
    public void exit(int pid, ExitStatus status) {
        if (running.remove(pid) == null) {
            throw new IllegalStateException("pid " + pid + " is not running");
        }
        exited.put(pid, status);
    }

    public List<Integer> runningPids() {
        return List.copyOf(running.keySet());
    }

    public Spawn spawnOf(int pid) {
        return running.get(pid);
    }

    @Override
    public Optional<ExitStatus> reap(int pid) {
        return Optional.ofNullable(exited.remove(pid));
    }

    @Override
    public void signal(int pid, Signal signal) {
        if (!running.containsKey(pid) && !exited.containsKey(pid)) {
            throw new IllegalStateException("signal to pid " + pid + ", which is not an unreaped child");
        }
        sent.add(new Sent(pid, signal));
        ExitStatus status = onSignal.get(signal);
        if (status != null && running.containsKey(pid)) {
            exit(pid, status);
        }
    }

    public List<Signal> signalsTo(int pid) {
        return sent.stream().filter(s -> s.pid == pid).map(Sent::signal).toList();
    }

    @Override
    public void await(Duration timeout, int... readableFds) {
    }

    @Override
    public void wake() {
    }

    @Override
    public void close() {
    }
}
