package dev.turnstile.api;

/**
 * Where a model's listening socket comes from.
 *
 * <ul>
 * <li>{@link #ADDRESS}: the model binds {@link ServerConfig#host()}:{@link ServerConfig#port()} itself.</li>
 * <li>{@link #STANDARD_INPUT}: the process was given a listening socket on descriptor 0, as
 *     inetd passes it ({@code wait} style) and as turnstile's command line places a socket systemd
 *     passed ({@code LISTEN_FDS}). The model serves it as it is: nothing is bound, host, port and
 *     backlog are the socket's own, and SO_REUSEPORT spreading (one socket per loop or worker)
 *     gives way to every loop or worker sharing this one socket.</li>
 * </ul>
 */
public enum ListenOn {
    ADDRESS,
    STANDARD_INPUT
}
