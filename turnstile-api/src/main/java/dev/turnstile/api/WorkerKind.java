package dev.turnstile.api;

/** What a worker is, for the status page: a platform thread, a virtual thread, an event loop or a process. */
public enum WorkerKind {
    THREAD, VIRTUAL_THREAD, LOOP, PROCESS;

    /** The lower-case name, with a dash, that the status JSON uses: {@code virtual-thread}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
