package dev.turnstile.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Writing in slices (what the blocking write timeout watches) writes the same bytes, in order, and says each slice. */
@Timeout(30)
class OutboundBufferTest {

    @Test
    void slicedWriteWritesEverythingInOrderAndRunsTheHookPerSlice() throws IOException {
        byte[] bytes = new byte[200 * 1024 + 7];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        OutboundBuffer out = new OutboundBuffer(1024);
        out.put(ByteBuffer.wrap(bytes));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        AtomicInteger slices = new AtomicInteger();

        int written = out.writeAll(Channels.newChannel(sink), 64 * 1024, slices::incrementAndGet);

        assertThat(written).isEqualTo(bytes.length);
        assertThat(out.pending()).isZero();
        assertThat(sink.toByteArray()).isEqualTo(bytes);
        assertThat(slices.get()).isEqualTo(4);
    }
}
