package dev.turnstile.model.prefork;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;

/** A service that cannot start in a worker process: its constructor throws there (not in the test JVM). */
public final class FailingService implements FramedService {

    public FailingService() {
        if (System.getProperty("sun.java.command", "").contains("PoolWorker")) {
            throw new IllegalStateException("the database is not there");
        }
    }

    @Override
    public String name() {
        return "failing";
    }

    @Override
    public MessageHandler newHandler(ConnectionInfo connection) {
        return (message, replies) -> replies.send(message);
    }
}
