package dev.turnstile.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A blocking test client on loopback with a 15 s read timeout, so no test waits forever. Every
 * method fails with an exception rather than returning a wrong value silently. The one line client
 * for tests in every module; not thread-safe, one thread per client.
 */
public final class LineClient implements AutoCloseable {

    public static final int READ_TIMEOUT_MS = 15_000; // generous: a process-per-connection child may start slowly on a loaded machine

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private LineClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream()); // a line is read byte by byte
        this.out = socket.getOutputStream();
    }

    public static LineClient connect(int port) {
        try {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            return new LineClient(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client over a socket already connected (an SSLSocket, say), with the same read timeout. */
    public static LineClient over(Socket connected) {
        try {
            connected.setSoTimeout(READ_TIMEOUT_MS);
            return new LineClient(connected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * True if the kernel accepts a connection to the port on loopback within 500 ms: the listener
     * is open. The probe connection is closed at once.
     */
    public static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends the text as UTF-8, exactly as given (no newline added). */
    public LineClient send(String text) {
        return sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    public LineClient sendBytes(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code line + "\n"} and reads one reply line. */
    public String ask(String line) {
        send(line + "\n");
        return readLine();
    }

    /** Reads up to and without the next {@code \n}; fails on end of input before it. */
    public String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("end of input after '" + line.toString(StandardCharsets.UTF_8) + "' while reading a line");
                }
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads exactly {@code n} bytes; fails on end of input before them. */
    public byte[] readBytes(int n) {
        try {
            byte[] bytes = in.readNBytes(n);
            if (bytes.length < n) {
                throw new IOException("end of input after " + bytes.length + " of " + n + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #readLine()}, waiting up to {@code limit} instead of the read timeout. On timeout it
     * fails with a {@link SocketTimeoutException} as cause.
     */
    public String readLineWithin(Duration limit) {
        try {
            socket.setSoTimeout(Math.toIntExact(limit.toMillis()));
            try {
                return readLine();
            } finally {
                socket.setSoTimeout(READ_TIMEOUT_MS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads exactly {@code n} bytes as UTF-8 text. */
    public String readExactly(int n) {
        try {
            return new String(in.readNBytes(n), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads everything up to end of input (bounded by the read timeout). */
    public String readToEnd() {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True if the server closed (end of input or reset) within the read timeout. */
    public boolean closedByServer() {
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** Half-close: no more input for the server, replies can still come. */
    public void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes with a reset (SO_LINGER 0) instead of a FIN. */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public String localAddress() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
