package dev.turnstile.model.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A blocking line client for tests: send a line, read a line, every read bounded by a timeout. */
public final class LineSocket implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    public LineSocket(int port, Duration readTimeout) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
        socket.setTcpNoDelay(true);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    public static LineSocket connect(int port) throws IOException {
        return new LineSocket(port, Duration.ofSeconds(20));
    }

    public void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line, or null at end of stream. */
    public String readLine() throws IOException {
        return in.readLine();
    }

    /** The next line, waiting up to {@code limit} whatever the socket's own timeout. */
    public String readLineWithin(Duration limit) throws IOException {
        int before = socket.getSoTimeout();
        socket.setSoTimeout(Math.toIntExact(limit.toMillis()));
        try {
            return in.readLine();
        } finally {
            socket.setSoTimeout(before);
        }
    }

    public String ask(String line) throws IOException {
        send(line);
        return readLine();
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
