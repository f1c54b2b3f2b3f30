package dev.turnstile.examples.resp;

/**
 * A command failed with an error reply, such as {@code ERR syntax error}: thrown anywhere below
 * a command, answered by the connection as {@code -} and the message. The message starts with the
 * error code ({@code ERR}, {@code WRONGTYPE}) as Redis' do. Carries no stack trace: it is an
 * answer, not a bug.
 */
final class RespError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    static final String NOT_AN_INTEGER = "ERR value is not an integer or out of range";
    static final String SYNTAX = "ERR syntax error";

    RespError(String message) {
        super(message, null, false, false);
    }

    static RespError wrongType() {
        return new RespError(WRONGTYPE);
    }

    static RespError notAnInteger() {
        return new RespError(NOT_AN_INTEGER);
    }

    static RespError syntax() {
        return new RespError(SYNTAX);
    }
}
