package dev.turnstile.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;

/** Small socket facts and quiet closes, shared by the drivers and loops. */
public final class Sockets {

    private Sockets() {
    }

    /** Closes, ignoring failure: used on paths that are already ending the connection. */
    public static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing more can be done for a socket that will not close; the descriptor is gone anyway
        }
    }

    /** The remote address, or an unresolved placeholder when the socket is already gone. */
    public static InetSocketAddress remote(java.nio.channels.SocketChannel channel) {
        try {
            SocketAddress a = channel.getRemoteAddress();
            if (a instanceof InetSocketAddress inet) {
                return inet;
            }
        } catch (IOException ignored) {
            // the peer may have reset before we asked
        }
        return new InetSocketAddress("0.0.0.0", 0);
    }

    public static InetSocketAddress local(NetworkChannel channel) {
        try {
            SocketAddress a = channel.getLocalAddress();
            if (a instanceof InetSocketAddress inet) {
                return inet;
            }
        } catch (IOException ignored) {
            // closed: fall through
        }
        return new InetSocketAddress("0.0.0.0", 0);
    }

    /**
     * True when {@code e} says the peer went away (reset, broken pipe, closed under us), which is
     * an ordinary end for a connection: logged at debug, never with a stack trace.
     */
    public static boolean isPeerGone(IOException e) {
        if (e instanceof java.nio.channels.ClosedChannelException || e instanceof java.io.EOFException) {
            return true;
        }
        String m = String.valueOf(e.getMessage());
        return m.contains("Connection reset") || m.contains("Broken pipe") || m.contains("Socket closed")
                || m.contains("connection was aborted") || m.contains("Connection timed out")
                || m.contains("Socket is closed") || m.contains("socket closed");
    }
}
