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
import dev.turnstile.posix.HandOffReceiver;
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
 *
 * <p><b>A spare</b> ({@code --spares}, argument {@code spare=true}) is started before its
 * connection exists: its stdin is a {@link dev.turnstile.posix.HandOffLine} from the master. It boots the same way
 * (arguments, scoreboard slot, service), then says it is ready, on the line and in its slot
 * (IDLE), and waits; the master hands it one connection, which it moves onto its descriptors 0
 * and 1, and from there it is the same child as any other, serving that one connection and
 * exiting. A spare does call the native layer (only it can receive a descriptor) and so runs with
 * native access, which costs its start a few hundred milliseconds, all before any connection
 * waits for it. If the master closes the line instead (it stops, or needs fewer spares), the
 * spare exits {@link ExitCodes#DONE} having served nothing.
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
        boolean spare;
        SlotReporter reporter = null;
        try {
            WorkerArguments arguments = WorkerArguments.parse(args, ARGUMENTS);
            spec = ServiceSpec.fromArguments(arguments);
            spare = Boolean.parseBoolean(arguments.text("spare", "false"));
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
        Serving serving = Serving.prepare(spec, service, stats);
        if (spare) {
            SpareWarmUp.run(spec.config(), serving.timers());
            if (!awaitHandOff(reporter)) {
                System.exit(ExitCodes.DONE);
            }
        }
        SocketChannel channel = inheritedConnection();
        System.exit(ExitCodes.forCloseReason(serving.serve(channel, reporter)));
    }

    /**
     * A spare's wait: ready on the line and in the slot, then the connection, moved onto stdin
     * and stdout. False if the master closed the line instead.
     */
    private static boolean awaitHandOff(SlotReporter reporter) {
        try {
            HandOffReceiver.announceReady();
            if (reporter != null) {
                reporter.ready();
            }
            return HandOffReceiver.awaitConnection();
        } catch (IOException | RuntimeException e) {
            log.error("spare worker cannot take its connection: {}", e.toString());
            System.exit(ExitCodes.FAILED);
            return false;
        }
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
     * Everything the one connection is served with, made before it comes (a spare makes it
     * before it says it is ready): the driver (with TLS loaded, if set), its timers, the stop hook.
     */
    private record Serving(BlockingDriver driver, ConnectionTimers timers, AtomicReference<CloseReason> reason,
                           String worker) {
        // the close went through every listener (the slot's first) once the connection's close is reported

        static Serving prepare(ServiceSpec spec, Service service, ServerStats stats) {
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
            return new Serving(new BlockingDriver(new ServerContext(spec.config(), service, stats), open, timers),
                    timers, reason, "process-" + ProcessHandle.current().pid());
        }

        /**
         * Serves the one connection; returns why it closed. With a slot, its counters and phase are
         * copied in every {@link #REPORT_PERIOD} too, so the master's status shows the connection live.
         */
        CloseReason serve(SocketChannel channel, SlotReporter reporter) {
            if (reporter != null) {
                timers.every(REPORT_PERIOD, reporter::heartbeat);
            }
            driver.run(channel, worker, () -> { });
            timers.stop();
            return reason.get();
        }
    }

    /**
     * The arguments a master passes: the service and limits, its own pid, and the scoreboard
     * slot the worker reports in (none for the class-data trainer).
     */
    static List<String> arguments(ServiceSpec spec, long masterPid, Optional<Scoreboard.Slot> slot) {
        return arguments(spec, masterPid, slot, ConnectionDelivery.STANDARD_INPUT);
    }

    /** As above, for a child that gets its connection as {@code delivery} says (a spare: by hand-off). */
    static List<String> arguments(ServiceSpec spec, long masterPid, Optional<Scoreboard.Slot> slot,
                                  ConnectionDelivery delivery) {
        List<String> args = new ArrayList<>(spec.toArguments());
        if (delivery == ConnectionDelivery.HAND_OFF) {
            WorkerArguments.add(args, "spare", true);
        }
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
        known.add("spare");
        return Set.copyOf(known);
    }
}
