package dev.turnstile.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A test client that plays a load balancer: connects from a chosen loopback source address,
 * writes raw bytes (a PROXY header, then lines), reads lines back. Reads time out after
 * {@link LineClient#READ_TIMEOUT_MS}. Not thread-safe.
 */
public final class ProxiedClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;

    private ProxiedClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** Connects to 127.0.0.1:{@code port} from {@code source} (any 127.0.0.0/8 address works on Linux). */
    public static ProxiedClient connect(int port, String source) {
        try {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.bind(new InetSocketAddress(InetAddress.ofLiteral(source), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), LineClient.READ_TIMEOUT_MS);
            s.setSoTimeout(LineClient.READ_TIMEOUT_MS);
            return new ProxiedClient(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ProxiedClient send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ProxiedClient send(String text) {
        return send(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The next line, or null at the end of the stream (the server closed). */
    public String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True if the server closed (end of stream or reset) within {@code limit}, having sent nothing. */
    public boolean closedWithoutReplyWithin(Duration limit) {
        try {
            socket.setSoTimeout((int) limit.toMillis());
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset: closed all the same
        }
    }

    /** The client's own address as the server's socket sees it, {@code host:port}. */
    public String socketAddress() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test client: nothing to do
        }
    }
}
