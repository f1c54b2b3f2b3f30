package dev.turnstile.core;

import dev.turnstile.api.ListenOn;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.ServerContext;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;

/**
 * Opens the listening socket the way every in-process model wants it: bound here, or the one
 * the process was given on standard input ({@link ListenOn#STANDARD_INPUT}).
 */
public final class ListeningSocket {

    private ListeningSocket() {
    }

    /**
     * The socket {@code context} says to serve: {@link #inherited()} for {@link ListenOn#STANDARD_INPUT},
     * else {@link #bind(ServerConfig, boolean) bound} from the config.
     */
    public static ServerSocketChannel open(ServerContext context, boolean reusePort) throws IOException {
        return context.listenOn() == ListenOn.STANDARD_INPUT ? inherited() : bind(context.config(), reusePort);
    }

    /**
     * The listening socket on descriptor 0, through {@link System#inheritedChannel()}: the JDK's
     * documented route from an inherited descriptor to a {@link ServerSocketChannel} a selector
     * can take. The JDK looks at descriptor 0 once and keeps the channel; it is blocking, as a
     * fresh channel is. Closing it closes this process's copy only (the JDK points descriptor 0
     * at /dev/null); the socket stays open in whoever passed it.
     *
     * @throws IOException if standard input is not a listening socket, or the channel was closed
     */
    public static ServerSocketChannel inherited() throws IOException {
        Channel channel = System.inheritedChannel();
        if (!(channel instanceof ServerSocketChannel listener)) {
            throw new IOException("standard input is not a listening socket (" + (channel == null
                    ? "not a socket" : channel.getClass().getSimpleName()) + "): start turnstile with a listening "
                    + "socket on standard input (inetd 'wait' style) or through systemd socket activation");
        }
        if (!listener.isOpen()) {
            throw new IOException("the inherited listening socket was already served and closed");
        }
        listener.configureBlocking(true);
        return listener;
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
