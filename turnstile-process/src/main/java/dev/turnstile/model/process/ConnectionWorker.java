package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ServerContext;
import dev.turnstile.api.ServerListener;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.Service;
import dev.turnstile.core.BlockingDriver;
import dev.turnstile.core.ConnectionTimers;
import dev.turnstile.core.OpenConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The main class of a process-per-connection child JVM: picks up its connection from
 * {@link System#inheritedChannel()} (the master made the socket its stdin and stdout), serves it
 * with the configured service through the same {@link BlockingDriver} the thread models use, and
 * exits with a code that tells the master how the conversation ended ({@link ExitCodes}).
 *
 * <p>SIGTERM (the master forcing a stop) runs a shutdown hook that closes the connection at once
 * if it is idle, or after the replies in hand if busy, within a second; a master that dies is
 * noticed within a second ({@link ParentWatch}) and ends the same way. The worker does not use
 * the native layer: the first FFM call costs a JVM more than the rest of its start.
 * A configuration that cannot work exits {@link ExitCodes#CANNOT_BOOT} before touching the socket.
 */
public final class ConnectionWorker {

    private static final Logger log = LoggerFactory.getLogger(ConnectionWorker.class);
    private static final Duration FORCE_GRACE = Duration.ofSeconds(1);
    /** How often the slot gets the connection's counters and phase between its open and close. */
    private static final Duration REPORT_PERIOD = Duration.ofMillis(250);
    private static final Duration PARENT_CHECK = Duration.ofSeconds(1);
    static final Set<String> ARGUMENTS = arguments();

    private ConnectionWorker() {
    }

    public static void main(String[] args) {
        WorkerStreams.protect();
        ServiceSpec spec;
        Service service;
        ServerStats stats = new ServerStats();
        SlotReporter reporter = null;
        try {
            WorkerArguments arguments = WorkerArguments.parse(args, ARGUMENTS);
            spec = ServiceSpec.fromArguments(arguments);
            ParentWatch watch = new ParentWatch(arguments.number("master-pid"));
            watch.watch(PARENT_CHECK, () -> System.exit(ExitCodes.ORPHANED)); // the shutdown hook closes the connection
            if (!arguments.text("scoreboard", "").isEmpty()) {
                Scoreboard board = Scoreboard.open(Path.of(arguments.text("scoreboard")), true);
                reporter = new SlotReporter(board.slot(Math.toIntExact(arguments.number("slot"))), stats);
                stats.addListener(reporter);
            }
            service = spec.newService();
        } catch (IllegalArgumentException | IOException e) {
            log.error("connection worker cannot boot: {}", e.getMessage());
            System.exit(ExitCodes.CANNOT_BOOT);
            return;
        }
        SocketChannel channel = inheritedConnection();
        System.exit(ExitCodes.forCloseReason(serve(channel, spec, service, stats, reporter)));
    }

    /**
     * The connection on stdin. If the client reset it before this JVM got here, the JDK finds no
     * peer and presents the socket as a listening one: that is the client's doing, not a
     * configuration that cannot boot, so it ends as a reset.
     */
    private static SocketChannel inheritedConnection() {
        try {
            Channel inherited = System.inheritedChannel();
            if (inherited instanceof SocketChannel socket) {
                return socket;
            }
            if (inherited instanceof ServerSocketChannel) {
                log.debug("the client left before the worker started");
                System.exit(ExitCodes.forCloseReason(CloseReason.RESET));
            }
            log.error("connection worker cannot boot: standard input is not a socket");
        } catch (IOException e) {
            log.error("connection worker cannot boot: cannot take the inherited socket: {}", e.toString());
        }
        System.exit(ExitCodes.CANNOT_BOOT);
        throw new IllegalStateException("unreachable");
    }

    /**
     * Serves the one connection; returns why it closed. With a slot, its counters and phase are
     * copied in every {@link #REPORT_PERIOD} too, so the master's status shows the connection live.
     */
    private static CloseReason serve(SocketChannel channel, ServiceSpec spec, Service service, ServerStats stats,
                                     SlotReporter reporter) {
        AtomicReference<CloseReason> reason = new AtomicReference<>(CloseReason.SERVER_ERROR);
        CountDownLatch reported = new CountDownLatch(1); // the close went through every listener, the slot's first
        stats.addListener(new ServerListener() {
            @Override
            public void connectionClosed(ConnectionInfo connection, CloseReason why) {
                reason.set(why);
                reported.countDown();
            }
        });
        OpenConnections open = new OpenConnections();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("turnstile-stop").unstarted(() -> {
            if (open.size() > 0) {
                open.closeIdleAndFlagBusy();
                if (!open.awaitEmpty(Instant.now().plus(FORCE_GRACE))) {
                    open.forceAll();
                }
            }
            try { // the connection leaves the open set before its close is reported: let the report reach the slot
                reported.await(FORCE_GRACE.toMillis(), TimeUnit.MILLISECONDS); // before the JVM halts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        ConnectionTimers timers = new ConnectionTimers(); // its daemon thread ends with this process
        if (reporter != null) {
            timers.every(REPORT_PERIOD, reporter::heartbeat);
        }
        new BlockingDriver(new ServerContext(spec.config(), service, stats), open, timers)
                .run(channel, "process-" + ProcessHandle.current().pid(), () -> { });
        timers.stop();
        return reason.get();
    }

    /**
     * The arguments a master passes: the service and limits, its own pid, and the scoreboard
     * slot the worker reports in (none for the class-data trainer).
     */
    static List<String> arguments(ServiceSpec spec, long masterPid, Optional<Scoreboard.Slot> slot) {
        List<String> args = new ArrayList<>(spec.toArguments());
        WorkerArguments.add(args, "master-pid", masterPid);
        slot.ifPresent(s -> {
            WorkerArguments.add(args, "scoreboard", s.board().file());
            WorkerArguments.add(args, "slot", s.index());
        });
        return args;
    }

    private static Set<String> arguments() {
        Set<String> known = new HashSet<>(ServiceSpec.ARGUMENTS);
        known.add("master-pid");
        known.add("scoreboard");
        known.add("slot");
        return Set.copyOf(known);
    }
}
