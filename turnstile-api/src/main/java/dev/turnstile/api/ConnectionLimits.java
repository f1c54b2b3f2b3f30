package dev.turnstile.api;

/**
 * The server-wide bounds on connections, honoured by every model's accept path (the process
 * models' too: process-per-connection's master, and process-pool's workers together, through
 * shared memory); 0 means no bound. They act in this order on each accepted connection: the accept rate of its source, then
 * the open connections of its source, then (before accept) the open connections of the server.
 *
 * <ul>
 * <li>{@code maxConnections}: at the limit the server stops accepting and the kernel's listen
 *     backlog ({@link ServerConfig#acceptBacklog()}) holds the rest; accepting resumes when a
 *     connection closes (as tcpserver {@code -c}, HAProxy {@code maxconn}). A model's own bound
 *     (a pool's workers) still applies: the smaller one wins.</li>
 * <li>{@code maxConnectionsPerIp}: a source address already holding this many open connections has
 *     a new one accepted and closed at once, counted as rejected (nginx {@code limit_conn},
 *     xinetd {@code per_source}).</li>
 * <li>{@code maxAcceptRate}: connections per second from one source address, with a burst of the
 *     same size (a token bucket per source); the excess is accepted and closed at once, counted as
 *     rejected (xinetd {@code cps}).</li>
 * </ul>
 *
 * @param maxConnections      open connections in the server at once; 0: unbounded
 * @param maxConnectionsPerIp open connections from one source address; 0: unbounded
 * @param maxAcceptRate       new connections per second from one source address; 0: unbounded
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerIp, int maxAcceptRate) {

    public ConnectionLimits {
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections must be >= 0 (got " + maxConnections + ")");
        }
        if (maxConnectionsPerIp < 0) {
            throw new IllegalArgumentException("maxConnectionsPerIp must be >= 0 (got " + maxConnectionsPerIp + ")");
        }
        if (maxAcceptRate < 0) {
            throw new IllegalArgumentException("maxAcceptRate must be >= 0 (got " + maxAcceptRate + ")");
        }
    }

    /** No bound at all: the default. */
    public static ConnectionLimits none() {
        return new ConnectionLimits(0, 0, 0);
    }

    public ConnectionLimits withMaxConnections(int maxConnections) {
        return new ConnectionLimits(maxConnections, maxConnectionsPerIp, maxAcceptRate);
    }

    public ConnectionLimits withMaxConnectionsPerIp(int maxConnectionsPerIp) {
        return new ConnectionLimits(maxConnections, maxConnectionsPerIp, maxAcceptRate);
    }

    public ConnectionLimits withMaxAcceptRate(int maxAcceptRate) {
        return new ConnectionLimits(maxConnections, maxConnectionsPerIp, maxAcceptRate);
    }
}
