package dev.turnstile.core;

import java.net.InetSocketAddress;

/**
 * What an {@link AcceptLoop} asks of the server's connection limits, before and after each
 * accept: {@link AcceptLimits} in one process; a pool of worker processes supplies one that keeps
 * its counts in shared memory, so the limits hold across the pool.
 *
 * <ol>
 * <li>{@link #acquire} before accept: waits for room under max-connections (the listen backlog
 *     holds the rest meanwhile).</li>
 * <li>{@link #admit} with the peer just accepted: false refuses it (already counted and logged);
 *     the caller closes it and calls {@link #release}.</li>
 * <li>{@link #closed} once an admitted connection closed: its room and its source's count go back.</li>
 * </ol>
 * Implementations are thread-safe: several accept loops may share one.
 */
public interface AcceptGate {

    /** Waits for room under max-connections; false if interrupted (stopping), with the status kept. */
    boolean acquire();

    /** Gives back room taken by {@link #acquire} that no connection holds (accept failed, or refused). */
    void release();

    /** Applies the per-source limits to a connection just accepted; see the class comment. */
    boolean admit(InetSocketAddress peer);

    /** A connection {@link #admit admitted} from {@code peer} closed: its counts and its room go back. */
    void closed(InetSocketAddress peer);

    /**
     * Behind a balancer: applies the per-source limits to the client a PROXY protocol header named,
     * once the header is read. True: admitted, and {@link #closedSource} follows when it closes.
     * A gate that checks sources only at accept admits every client here.
     */
    default boolean admitSource(InetSocketAddress client) {
        return true;
    }

    /** A connection {@link #admitSource admitted} for {@code client} closed: its per-source count goes back. */
    default void closedSource(InetSocketAddress client) {
    }
}
