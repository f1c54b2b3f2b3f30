package dev.turnstile.core;

import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;

/**
 * What a model does with an accepted socket: the one thing that differs between models that
 * block in accept(). Run a thread for it, hand it to a pool worker, or serve it right here.
 */
@FunctionalInterface
public interface Dispatcher {

    /**
     * Takes ownership of {@code socket}: from here on the dispatcher's side closes it and runs
     * {@code release} exactly once when the connection ends.
     *
     * @throws RejectedExecutionException the model cannot take it now; ownership stays with the
     *                                    caller, which closes the socket and releases
     */
    void dispatch(SocketChannel socket, Runnable release) throws RejectedExecutionException;
}
