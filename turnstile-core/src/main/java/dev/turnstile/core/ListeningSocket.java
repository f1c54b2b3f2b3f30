package dev.turnstile.core;

import dev.turnstile.api.ServerConfig;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/** Opens the listening socket the way every in-process model wants it. */
public final class ListeningSocket {

    private ListeningSocket() {
    }

    /**
     * Binds {@code config.host():config.port()} with SO_REUSEADDR (a restart does not wait for
     * TIME_WAIT) and the configured backlog, in blocking mode.
     *
     * @throws BindException with a message that names the address, such as
     *                       "127.0.0.1:20446 is already in use"
     */
    public static ServerSocketChannel bind(ServerConfig config) throws IOException {
        return bind(config, false);
    }

    /** As {@link #bind(ServerConfig)}; with {@code reusePort}, SO_REUSEPORT too, so several sockets share the port. */
    public static ServerSocketChannel bind(ServerConfig config, boolean reusePort) throws IOException {
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        if (address.isUnresolved()) {
            throw new BindException("cannot resolve host " + config.host());
        }
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (reusePort) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            channel.bind(address, config.acceptBacklog());
            return channel;
        } catch (BindException e) {
            channel.close();
            String why = String.valueOf(e.getMessage());
            BindException clear = new BindException(why.contains("in use")
                    ? config.host() + ":" + config.port() + " is already in use"
                    : "cannot bind " + config.host() + ":" + config.port() + ": " + why);
            clear.initCause(e);
            throw clear;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
