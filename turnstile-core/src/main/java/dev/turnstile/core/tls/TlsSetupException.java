package dev.turnstile.core.tls;

/**
 * The server's TLS identity cannot be used: a file is missing or unreadable, holds no
 * certificate or no key of a supported kind, the key does not match the certificate, or a key
 * store's password is wrong. The message names the file and, where there is one, the fix; it is
 * meant to be shown to the operator as it is, without a stack trace.
 */
public final class TlsSetupException extends IllegalArgumentException {

    public TlsSetupException(String message) {
        super(message);
    }

    public TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
