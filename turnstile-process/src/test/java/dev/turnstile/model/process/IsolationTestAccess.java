package dev.turnstile.model.process;

/** Scoreboard helpers of {@link IsolationTest} for tests in other packages. */
public final class IsolationTestAccess {

    private IsolationTestAccess() {
    }

    /** The pid of the worker whose slot shows {@code clientPort} as its client. */
    public static long pidServing(Scoreboard board, int clientPort) throws InterruptedException {
        return IsolationTest.pidServing(board, clientPort);
    }
}
