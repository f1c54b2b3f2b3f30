package dev.turnstile.loadgen;

/** The ways a message or connection can fail; each is counted on its own and any makes a run fail. */
public enum ErrorKind {
    /** A reply differed from the expected uppercase, or bytes came that no message asked for. */
    MISMATCH("mismatches"),
    /** The server closed the connection while a reply was due, or before the run was done with it. */
    MISSING("missing"),
    /** A connect failed: refused by the server, or no local address or port left to connect from. */
    REFUSED("refused"),
    /** A read or write failed: the connection was reset or broken. */
    RESET("resets"),
    /** No connect or reply within the timeout. */
    TIMEOUT("timeouts");

    private final String key;

    ErrorKind(String key) {
        this.key = key;
    }

    /** The plural name used in summaries and JSON, such as {@code mismatches}. */
    public String key() {
        return key;
    }
}
