package dev.turnstile.api;

/**
 * Makes the {@link Framer} of each new connection. A service that speaks its own protocol
 * returns one from {@link FramedService#framing()}; the built-in framers of
 * {@code dev.turnstile.core.framing.Framers} are factories too. Called on the thread that opens
 * the connection, so it must be thread-safe (a lambda creating a new framer is).
 */
@FunctionalInterface
public interface FramerFactory {

    /**
     * A new framer for one connection.
     *
     * @param maxMessageBytes the server's longest message ({@code maxMessageBytes}); a framer
     *                        may use a smaller bound of its own, never a larger one
     */
    Framer newFramer(int maxMessageBytes);
}
