package dev.turnstile.core.proxy;

/** A connection's PROXY protocol header is not one: the connection is closed. The message says what was wrong. */
public final class MalformedProxyHeaderException extends Exception {

    public MalformedProxyHeaderException(String message) {
        super(message);
    }
}
