package dev.turnstile.api;

/** Why a connection ended, as counted in {@link ServerStats}. */
public enum CloseReason {
    /** The peer closed (end of input after all replies went out). */
    PEER_CLOSED,
    /** The service asked to close after its replies. */
    SERVICE_CLOSED,
    /** Nothing arrived for the idle timeout. */
    IDLE_TIMEOUT,
    /** The peer broke the protocol, such as a message over the maximum length. */
    PROTOCOL_ERROR,
    /**
     * The peer took our bytes too slowly: more than the server's {@code maxPendingBytes} waited
     * for it, so it was closed at once rather than let hold memory or delay anyone else.
     */
    SLOW_CONSUMER,
    /** The peer reset the connection or the pipe broke. */
    RESET,
    /** The server's stop closed it. */
    SHUTDOWN,
    /** The model had no room for it (a bound was reached or the pool rejected it). */
    REJECTED,
    /** The service threw or another failure on our side. */
    SERVER_ERROR,
    /**
     * The peer took none of our bytes for the server's {@code writeTimeout} while a write waited
     * for it, so it was closed rather than let hold a worker. (Constants are only ever appended:
     * the process models keep ordinals in shared memory and exit codes.)
     */
    WRITE_TIMEOUT,
    /** A message was begun but not finished within the server's {@code messageTimeout} (a slowloris). */
    MESSAGE_TIMEOUT,
    /**
     * The TLS handshake failed or did not finish within the handshake timeout: a plaintext client
     * on a TLS port, a client that trusts no certificate of ours or offers no protocol we speak,
     * or one that went quiet mid-handshake.
     */
    TLS_HANDSHAKE_FAILED,
    /**
     * The PROXY protocol is on and the connection's header was missing, malformed, late (past the
     * header timeout) or came from a source not trusted to send one.
     */
    PROXY_HEADER
}
