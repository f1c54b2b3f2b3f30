package dev.turnstile.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One blocking client conversation in lines, for the evidence scenarios: connect, ask (send a line,
 * read the reply line), see whether the server closed. Every read is bounded by the session's
 * timeout. Used by one thread at a time.
 */
final class LineSession implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private LineSession(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    /** Connects within {@code timeout}; every later read waits at most {@code timeout} too. */
    static LineSession connect(String host, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return new LineSession(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends {@code line} and returns the reply line; an IOException if none came (closed, reset, timed out). */
    String ask(String line) throws IOException {
        send(line);
        String reply = in.readLine();
        if (reply == null) {
            throw new IOException("closed by the server");
        }
        return reply;
    }

    void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Changes how long a read waits from now on. */
    void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    /** True if the server ends the connection (end of stream or reset) before the read timeout. */
    boolean closedByServer() throws IOException {
        try {
            while (in.readLine() != null) {
                // a late reply: keep reading until the end
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
