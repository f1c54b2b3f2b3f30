package dev.turnstile.api;

/** How a byte stream is cut into messages. */
public enum Framing {
    /** A message per newline-terminated line ({@code \n} or {@code \r\n}); replies end in {@code \n}. */
    LINE,
    /** A message per read, as the notes' {@code recv(1000)} does; replies get no newline. */
    RAW,
    /**
     * Raw until the peer sends its first newline, then line framing for the rest of the
     * connection. Serves on one port both the notes' client (bare words, a reply per send) and a
     * person typing into {@code nc} (a reply per line). A line client whose first line arrives in
     * pieces would get the pieces answered raw: such clients should use {@link #LINE}.
     */
    AUTO;

    /** The lower-case name used on the command line. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
