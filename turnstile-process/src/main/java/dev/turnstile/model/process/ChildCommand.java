package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.posix.AcceptedSocket;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Spawn;

/** What process-per-connection starts for each connection, and how to read its exit. Immutable. */
sealed interface ChildCommand permits ServiceChild, ExecChild {

    /** The child for {@code connection}, with the socket as its stdin and stdout, reporting in scoreboard slot {@code slot}. */
    Spawn spawn(AcceptedSocket connection, int slot);

    /** True if the child writes its own scoreboard slot (a JVM worker does; a foreign program cannot). */
    boolean reportsToScoreboard();

    /** Why the connection closed, judged from how its child ended. */
    CloseReason closeReason(ExitStatus status);

    /** True if the end deserves a warning with the peer and the status. */
    boolean isCrash(ExitStatus status);

    /** True if the child could not even start serving: the master stops instead of failing every connection. */
    boolean cannotBoot(ExitStatus status);

    /** For the start-up log line. */
    String describe();
}
