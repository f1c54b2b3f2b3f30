package dev.turnstile.echo;

import dev.turnstile.api.Service;
import dev.turnstile.api.ServiceProvider;

/** {@code --service echo}: the notes' echo-uppercase, the default. */
public final class EchoProvider implements ServiceProvider {

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String description() {
        return "the notes' service: each message back, trailing blanks stripped, uppercased (framing: --framing)";
    }

    @Override
    public Service create() {
        return new EchoUppercase();
    }
}
