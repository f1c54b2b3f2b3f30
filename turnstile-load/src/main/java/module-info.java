/**
 * The load generator. Reads dev.turnstile.api for Framing only; latency is kept in HdrHistogram;
 * plaintext loops drive their sockets through dev.turnstile.posix (epoll and critical downcalls).
 */
module dev.turnstile.loadgen {
    requires transitive dev.turnstile.api;
    requires transitive HdrHistogram;
    requires dev.turnstile.posix;
    requires java.management;
    requires jdk.management;

    exports dev.turnstile.loadgen;
}
