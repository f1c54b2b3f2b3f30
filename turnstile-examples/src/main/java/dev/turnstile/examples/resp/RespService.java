package dev.turnstile.examples.resp;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.FramerFactory;
import dev.turnstile.api.MessageHandler;

import java.time.InstantSource;
import java.util.Optional;

/**
 * A key-value store that Redis clients talk to ({@code redis-cli}, {@code redis-benchmark},
 * Jedis): strings, counters, lists and expiry over RESP2, with Redis' own replies and errors.
 * See {@link CommandTable#standard()} for the commands.
 *
 * <p>One {@link Store} per service, so per server, shared by all its connections: hence
 * {@link #sharesStateAcrossConnections()}, and the process models refuse to run it. Each
 * connection gets its own {@link RespFramer} and {@link RespHandler}. Thread-safe.
 */
public final class RespService implements FramedService {

    private final Store store;
    private final CommandTable commands = CommandTable.standard();

    /** A store on the system clock. */
    public RespService() {
        this(InstantSource.system());
    }

    /** A store whose expiry reads {@code clock}: tests pass one they move by hand. */
    public RespService(InstantSource clock) {
        this.store = new Store(clock);
    }

    @Override
    public String name() {
        return "resp";
    }

    @Override
    public boolean sharesStateAcrossConnections() {
        return true;
    }

    @Override
    public Optional<FramerFactory> framing() {
        return Optional.of(RespFramer::new);
    }

    @Override
    public MessageHandler newHandler(ConnectionInfo connection) {
        return new RespHandler(commands, store);
    }
}
