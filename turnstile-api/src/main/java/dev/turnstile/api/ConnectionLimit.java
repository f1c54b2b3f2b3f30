package dev.turnstile.api;

/**
 * Which of the {@link ConnectionLimits} was hit, for the stats ({@link StatsSnapshot#limitHits()})
 * and the log. Named as the command-line option that sets it.
 */
public enum ConnectionLimit {
    /** The server held its most connections: accepting paused (counted once per episode). */
    MAX_CONNECTIONS("max-connections"),
    /** A source address held its most connections: the new one was closed (counted per connection). */
    MAX_CONNECTIONS_PER_IP("max-connections-per-ip"),
    /** A source address connected faster than allowed: the new one was closed (counted per connection). */
    MAX_ACCEPT_RATE("max-accept-rate");

    private final String option;

    ConnectionLimit(String option) {
        this.option = option;
    }

    /** The option's name, such as {@code max-connections}. */
    public String option() {
        return option;
    }
}
