package dev.turnstile.model.virtual;

import dev.turnstile.model.threadper.ThreadPerConnection;

/** Thread per connection with virtual threads. */
public final class VirtualThreadPerConnection extends ThreadPerConnection {

    public VirtualThreadPerConnection(int maxConnections) {
        super("virtual-threads", Thread.ofVirtual().name("turnstile-vthread-", 1), maxConnections);
    }
}
