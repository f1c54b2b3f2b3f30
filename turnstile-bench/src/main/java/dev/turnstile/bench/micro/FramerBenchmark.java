package dev.turnstile.bench.micro;

import dev.turnstile.api.MessageTooLongException;
import dev.turnstile.api.ProtocolException;
import dev.turnstile.core.framing.AutoFramer;
import dev.turnstile.core.framing.LineFramer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Decoding one read's worth of lines: {@code lines} requests arriving together (1, as in
 * ping-pong, or 64, as when a client pipelines). The time per operation is per read, so divide by
 * {@code lines} for the cost per message.
 */
public class FramerBenchmark extends HotPath {

    @Param({"1", "64"})
    int lines;

    private byte[] bytes;
    private ByteBuffer in;
    private LineFramer lineFramer;
    private AutoFramer autoFramer;
    private Consumer<ByteBuffer> sink;

    @Setup
    public void setUp(Blackhole blackhole) {
        bytes = Lines.batch(lines);
        in = ByteBuffer.allocate(bytes.length);
        lineFramer = new LineFramer(64 * 1024);
        autoFramer = new AutoFramer(64 * 1024);
        sink = message -> blackhole.consume(message.remaining());
    }

    @Benchmark
    public ByteBuffer lineFramerDecode() throws MessageTooLongException {
        ByteBuffer buffer = Lines.refill(in, bytes);
        lineFramer.decode(buffer, false, sink);
        return buffer;
    }

    /** After its first newline the auto framer is a line framer plus one scan for a newline per read. */
    @Benchmark
    public ByteBuffer autoFramerDecode() throws ProtocolException {
        ByteBuffer buffer = Lines.refill(in, bytes);
        autoFramer.decode(buffer, false, sink);
        return buffer;
    }
}
