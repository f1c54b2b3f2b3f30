package dev.turnstile.bench.micro;

import dev.turnstile.api.Replies;
import dev.turnstile.echo.EchoUppercase;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The echo service on one message: rstrip and uppercase. ASCII (the common case) is done in
 * place; a message with other characters is decoded, uppercased and encoded (it allocates).
 * Each operation first copies the lowercase request back in, as a read would.
 */
public class EchoUppercaseBenchmark extends HotPath {

    @Param({"are you sure  ", "çok güzel, teşekkürler"})
    String message;

    private byte[] bytes;
    private ByteBuffer buffer;
    private Replies replies;

    @Setup
    public void setUp(Blackhole blackhole) {
        bytes = message.getBytes(StandardCharsets.UTF_8);
        buffer = ByteBuffer.allocate(bytes.length);
        replies = new Replies() {
            @Override
            public void send(ByteBuffer payload) {
                blackhole.consume(payload.get(payload.limit() - 1));
            }

            @Override
            public void closeAfterReplies() {
                blackhole.consume(true);
            }
        };
    }

    @Benchmark
    public ByteBuffer answer() {
        ByteBuffer request = Lines.refill(buffer, bytes);
        EchoUppercase.answer(request, replies);
        return request;
    }
}
