package dev.turnstile.bench;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.echo.EchoUppercase;

import java.nio.charset.StandardCharsets;

/**
 * Echo-uppercase that also says who serves the connection: to the message {@code WHO} it answers
 * {@code SERVED-BY PID/THREAD}, the process id and the name of the thread running the handler, so
 * a client can count each worker's share under a pool. Stateless; a public class with a public
 * constructor, so worker processes can create it by name.
 */
public final class WhoServes implements FramedService {

    static final String ASK = "WHO";
    static final String ANSWER = "SERVED-BY ";

    @Override
    public String name() {
        return "who-serves";
    }

    @Override
    public MessageHandler newHandler(ConnectionInfo connection) {
        return (message, replies) -> {
            String text = StandardCharsets.UTF_8.decode(message.duplicate()).toString().trim();
            if (text.equals(ASK)) {
                replies.send(ANSWER + ProcessHandle.current().pid() + "/" + Thread.currentThread().getName());
            } else {
                EchoUppercase.answer(message, replies);
            }
        };
    }
}
