package dev.turnstile.core.framing;

import dev.turnstile.api.FramedService;
import dev.turnstile.api.Framer;
import dev.turnstile.api.FramerFactory;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ServerConfig;

/** The built-in framers, as factories a service can return from {@link FramedService#framing()}. */
public final class Framers {

    private Framers() {
    }

    /** A new framer for one connection. */
    public static Framer create(Framing framing, int maxMessageBytes) {
        return factory(framing).newFramer(maxMessageBytes);
    }

    /** The factory of a server-wide framing choice ({@code --framing}). */
    public static FramerFactory factory(Framing framing) {
        return switch (framing) {
            case LINE -> LineFramer::new;
            case RAW -> RawFramer::new;
            case AUTO -> AutoFramer::new;
        };
    }

    /** The framing {@code service} runs with under {@code config}: its own, else the server's. */
    public static FramerFactory forService(FramedService service, ServerConfig config) {
        return service.framing().orElseGet(() -> factory(config.framing()));
    }

    /** A message per line, LF or CRLF; replies end in LF. */
    public static FramerFactory line() {
        return LineFramer::new;
    }

    /** A message per read, as the notes' {@code recv(1000)}. */
    public static FramerFactory raw() {
        return RawFramer::new;
    }

    /** Raw until the first newline, then lines. */
    public static FramerFactory auto() {
        return AutoFramer::new;
    }

    /** A message per run of bytes ending in {@code delimiter} (not part of the message); replies get it appended. */
    public static FramerFactory delimiter(byte[] delimiter) {
        byte[] copy = delimiter.clone();
        new DelimiterFramer(copy, copy.length); // refuses an empty delimiter now, not at the first connection
        return max -> new DelimiterFramer(copy, max);
    }

    /** A message per frame of a big-endian length of {@code prefixBytes} (1, 2 or 4) and that many bytes. */
    public static FramerFactory lengthPrefixed(int prefixBytes) {
        new LengthPrefixedFramer(prefixBytes, 16); // refuses a bad prefix size now
        return max -> new LengthPrefixedFramer(prefixBytes, max);
    }
}
