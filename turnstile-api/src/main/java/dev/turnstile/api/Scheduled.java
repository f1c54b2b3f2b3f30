package dev.turnstile.api;

/** A task given to {@link Connection#schedule}, which may still be called off. */
@FunctionalInterface
public interface Scheduled {

    /** Stops the task from running if it has not started; true if this call stopped it. */
    boolean cancel();
}
