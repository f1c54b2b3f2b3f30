package dev.turnstile.model;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.echo.EchoUppercase;

import java.util.concurrent.locks.LockSupport;

/**
 * The notes' echo with a handler that takes a millisecond over each message (parked, not
 * spinning), so that when a stop comes many conversations are in the middle of one, where a
 * careless close would cut or drop a reply. A public class with a public constructor, so worker
 * processes can create it by name.
 */
public final class DeliberateEcho implements FramedService {

    @Override
    public String name() {
        return "deliberate-echo";
    }

    @Override
    public MessageHandler newHandler(ConnectionInfo connection) {
        return (message, replies) -> {
            LockSupport.parkNanos(1_000_000);
            EchoUppercase.answer(message, replies);
        };
    }
}
