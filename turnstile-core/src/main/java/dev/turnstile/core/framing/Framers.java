package dev.turnstile.core.framing;

import dev.turnstile.api.Framer;
import dev.turnstile.api.Framing;

/** Creates the framer for a {@link Framing}. */
public final class Framers {

    private Framers() {
    }

    /** A new framer for one connection. */
    public static Framer create(Framing framing, int maxMessageBytes) {
        return switch (framing) {
            case LINE -> new LineFramer(maxMessageBytes);
            case RAW -> new RawFramer(maxMessageBytes);
            case AUTO -> new AutoFramer(maxMessageBytes);
        };
    }
}
