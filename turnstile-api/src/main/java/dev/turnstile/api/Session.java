package dev.turnstile.api;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * One connection as seen by a {@link SessionService}: blocking streams plus who is on the other
 * end. Reads time out with {@link java.net.SocketTimeoutException} after the server's idle
 * timeout. The model owns the socket: closing these streams ends the conversation early.
 */
public interface Session {

    ConnectionInfo info();

    InputStream input();

    OutputStream output();
}
