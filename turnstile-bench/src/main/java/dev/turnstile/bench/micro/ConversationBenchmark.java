package dev.turnstile.bench.micro;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ServerStats;
import dev.turnstile.core.Conversation;
import dev.turnstile.core.OutboundBuffer;
import dev.turnstile.core.framing.LineFramer;
import dev.turnstile.echo.EchoUppercase;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * One read through a whole connection's protocol, as a blocking driver or event loop runs it:
 * {@code Conversation.receive} (framing, the echo handler, reply framing into the outbound buffer),
 * then writing the outbound buffer to a channel that takes every byte. No socket: this is the
 * cost turnstile adds per read on top of the two system calls.
 */
public class ConversationBenchmark extends HotPath {

    @Param({"1", "64"})
    int lines;

    private byte[] bytes;
    private ByteBuffer in;
    private OutboundBuffer out;
    private Conversation conversation;
    private final WritableByteChannel socket = new WritableByteChannel() {
        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    };

    @Setup
    public void setUp() {
        bytes = Lines.batch(lines);
        in = ByteBuffer.allocate(bytes.length);
        out = new OutboundBuffer(1024);
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", 20446);
        ConnectionInfo info = new ConnectionInfo(1, new InetSocketAddress("127.0.0.1", 40000), local, "bench");
        conversation = new Conversation(info, new LineFramer(64 * 1024),
                new EchoUppercase().newHandler(info), out, new ServerStats().worker("bench"));
    }

    @Benchmark
    public int receiveAndWrite() throws IOException {
        conversation.receive(Lines.refill(in, bytes), false);
        return out.writeAll(socket);
    }
}
