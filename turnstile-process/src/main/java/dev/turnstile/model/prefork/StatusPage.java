package dev.turnstile.model.prefork;

import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.model.process.Scoreboard;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code turnstile status}: prints a running process model's scoreboard the way Apache's
 * server-status does: a line of keys, one character per slot, then a row per worker with its
 * pid, state, connections served and open ("Active": for a worker running an in-process model,
 * all the connections it holds; it is busy only at its capacity, named in the first line), messages, last activity, heartbeat and current client; with
 * connection limits set, a line with them (and, for the pool, whose workers apply them, the
 * connections open and refused by each limit, and the times max-connections was reached). It only
 * reads the shared memory (never the master), so it works even when the master is busy, and
 * says so when the master that wrote the file is gone.
 *
 * <p>Stateless; {@link #main} is for running it without the CLI:
 * {@code java -cp turnstile.jar dev.turnstile.model.prefork.StatusPage PORT}.
 */
public final class StatusPage {

    private StatusPage() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: StatusPage PORT");
            System.exit(2);
        }
        System.exit(print(Integer.parseInt(args[0]), System.out, System.err));
    }

    /**
     * Prints the scoreboard of the server on {@code port}. Returns 0, or 1 with a one-line error
     * when there is no scoreboard for that port.
     */
    public static int print(int port, PrintStream out, PrintStream err) {
        Path file = Scoreboard.fileFor(port);
        if (!Files.exists(file)) {
            err.println("turnstile status: no scoreboard for port " + port + " (" + file
                    + "); is a process-pool or process-per-connection server running there?");
            return 1;
        }
        try {
            out.print(render(Scoreboard.open(file, false), System.currentTimeMillis()));
            return 0;
        } catch (IOException e) {
            err.println("turnstile status: " + e.getMessage());
            return 1;
        }
    }

    /** The page for {@code board} as of {@code nowMillis}. */
    public static String render(Scoreboard board, long nowMillis) {
        StringBuilder page = new StringBuilder();
        long master = board.masterPid();
        boolean alive = ProcessHandle.of(master).map(ProcessHandle::isAlive).orElse(false);
        String workers = board.workerModel().isEmpty() ? board.threadsPerWorker() + " thread(s) per worker"
                : board.workerModel() + " in each worker, busy at " + board.workerCapacity() + " connections";
        page.append(String.format("turnstile %s on port %d, master pid %d%s, up %s, %s%n",
                board.model(), board.port(), master, alive ? "" : " (NOT RUNNING: this scoreboard is stale)",
                clock(Duration.ofMillis(nowMillis - board.started().toEpochMilli())), workers));
        Map<Scoreboard.State, Integer> counts = new EnumMap<>(Scoreboard.State.class);
        StringBuilder keys = new StringBuilder();
        List<Scoreboard.Slot> used = new ArrayList<>();
        long connections = 0;
        long messages = 0;
        for (int i = 0; i < board.slots(); i++) {
            Scoreboard.Slot s = board.slot(i);
            Scoreboard.State state = s.state();
            keys.append(state.key());
            counts.merge(state, 1, Integer::sum);
            if (state != Scoreboard.State.FREE) {
                used.add(s);
                connections += s.connections();
                messages += s.messages();
            }
        }
        page.append(String.format("%d workers: %d busy, %d idle, %d starting, %d stopping; %d connections and %d messages"
                        + " by the workers shown%n",
                used.size(), counts.getOrDefault(Scoreboard.State.BUSY, 0), counts.getOrDefault(Scoreboard.State.IDLE, 0),
                counts.getOrDefault(Scoreboard.State.STARTING, 0), counts.getOrDefault(Scoreboard.State.STOPPING, 0),
                connections, messages));
        limits(board, page);
        page.append("\nScoreboard: ").append(keys).append('\n');
        page.append("Key: \"_\" idle, \"W\" busy, \"S\" starting, \"G\" stopping gracefully, \".\" open slot\n\n");
        page.append(String.format("%-4s %-10s %-8s %-9s %7s %6s %9s %9s %9s %12s %10s  %s%n", "Slot", "Worker", "PID",
                "State", "Conns", "Active", "Msgs", "In", "Out", "Last active", "Heartbeat", "Client"));
        for (Scoreboard.Slot s : used) {
            InetSocketAddress peer = s.peer();
            page.append(String.format("%-4d %-10s %-8d %-9s %7d %6d %9d %9s %9s %12s %10s  %s%n", s.index(),
                    ScoreboardFeed.workerName(s.index()), s.pid(), s.state().name().toLowerCase(java.util.Locale.ROOT),
                    s.connections(), s.active(), s.messages(), bytes(s.bytesIn()), bytes(s.bytesOut()),
                    ago(nowMillis, s.lastActivityMillis()), ago(nowMillis, s.heartbeatMillis()),
                    peer == null ? "-" : peer.getAddress().getHostAddress() + ":" + peer.getPort()));
            if (!s.note().isEmpty()) {
                page.append("     note: ").append(s.note()).append('\n');
            }
        }
        return page.toString();
    }

    private static void limits(Scoreboard board, StringBuilder page) {
        ConnectionLimits limits = board.limits();
        if (limits.equals(ConnectionLimits.none())) {
            return;
        }
        List<String> set = new ArrayList<>();
        if (limits.maxConnections() > 0) {
            set.add("max-connections " + limits.maxConnections());
        }
        if (limits.maxConnectionsPerIp() > 0) {
            set.add("max-connections-per-ip " + limits.maxConnectionsPerIp());
        }
        if (limits.maxAcceptRate() > 0) {
            set.add("max-accept-rate " + limits.maxAcceptRate() + "/s");
        }
        page.append("Limits: ").append(String.join(", ", set));
        if (board.model().equals("process-pool")) { // applied by the workers, in their slots
            long touches = 0;
            Map<ConnectionLimit, Long> refused = new EnumMap<>(ConnectionLimit.class);
            for (int i = 0; i < board.slots(); i++) {
                Scoreboard.Slot s = board.slot(i);
                if (s.state() != Scoreboard.State.FREE) {
                    touches += s.ceilingTouches();
                    for (ConnectionLimit l : ConnectionLimit.values()) {
                        refused.merge(l, s.refusedBy(l), Long::sum);
                    }
                }
            }
            page.append(String.format("; %d open; refused by the workers shown: %d per ip, %d over the accept rate;"
                            + " max-connections reached %d times", board.openInAllSlots(),
                    refused.get(ConnectionLimit.MAX_CONNECTIONS_PER_IP), refused.get(ConnectionLimit.MAX_ACCEPT_RATE), touches));
        }
        page.append('\n');
    }

    private static String ago(long now, long then) {
        if (then <= 0) {
            return "-";
        }
        return String.format("%.1f s ago", Math.max(0, now - then) / 1000.0);
    }

    private static String bytes(long n) {
        if (n < 10_000) {
            return Long.toString(n);
        }
        if (n < 10_000_000) {
            return (n / 1024) + "K";
        }
        return (n / (1024 * 1024)) + "M";
    }

    private static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
