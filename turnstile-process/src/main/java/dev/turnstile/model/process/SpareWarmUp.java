package dev.turnstile.model.process;

import dev.turnstile.api.Framing;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.ServerContext;
import dev.turnstile.api.ServerStats;
import dev.turnstile.core.BlockingDriver;
import dev.turnstile.core.ConnectionTimers;
import dev.turnstile.core.OpenConnections;
import dev.turnstile.echo.EchoUppercase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A spare's rehearsal before it says it is ready: one conversation with itself over loopback,
 * served by the same {@link BlockingDriver} code the real connection will run through (socket
 * options, the connection's streams, a framer, a conversation, the close), so that the classes
 * are loaded and initialised and the code has run once when the connection comes. In a fresh JVM
 * that first run costs tens of milliseconds; a spare pays it ahead, off the connection's path.
 *
 * <p>The rehearsal serves the notes' echo service with line framing, in plaintext, with stats
 * of its own: never the configured service (whose handlers may touch the world) and never the
 * worker's scoreboard slot, so no one can tell it happened. Anything that goes wrong is only
 * logged at debug: the spare is then as cold as a child started for its connection, not broken.
 *
 * <p>Stateless; runs on the spare's main thread, with one short-lived thread for the served side.
 */
final class SpareWarmUp {

    private static final Logger log = LoggerFactory.getLogger(SpareWarmUp.class);
    private static final Duration LIMIT = Duration.ofSeconds(5);
    private static final int ROUNDS = 3;

    private SpareWarmUp() {
    }

    /** Rehearses with {@code config}'s timeouts and limits (line framing, plaintext), on {@code timers}. */
    static void run(ServerConfig config, ConnectionTimers timers) {
        ServerConfig rehearsal = config.withFraming(Framing.LINE).withTls(null).withProxyProtocol(ProxyProtocol.off());
        BlockingDriver driver = new BlockingDriver(new ServerContext(rehearsal, new EchoUppercase(), new ServerStats()),
                new OpenConnections(), timers);
        for (int round = 0; round < ROUNDS; round++) {
            try (ServerSocketChannel listener = ServerSocketChannel.open()
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 SocketChannel client = SocketChannel.open(listener.getLocalAddress())) {
                SocketChannel served = listener.accept();
                Thread server = Thread.ofPlatform().name("turnstile-warm-up").start(
                        () -> driver.run(served, "warm-up", () -> { }));
                Socket socket = client.socket();
                socket.setSoTimeout(Math.toIntExact(LIMIT.toMillis())); // the adaptor's streams honour it
                socket.getOutputStream().write("warm up\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                for (int b = in.read(); b != '\n'; b = in.read()) {
                    if (b < 0) {
                        throw new IOException("the warm-up conversation closed before its reply");
                    }
                }
                socket.shutdownOutput();
                while (in.read() >= 0) {
                    // until the served side closes
                }
                if (!server.join(LIMIT)) {
                    log.debug("the warm-up conversation did not end within {}", LIMIT);
                    return;
                }
            } catch (IOException | RuntimeException e) {
                log.debug("spare warm-up failed: {}", e.toString());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
