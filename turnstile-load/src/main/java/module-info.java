/** The load generator. Reads dev.turnstile.api for Framing only; latency is kept in HdrHistogram. */
module dev.turnstile.loadgen {
    requires transitive dev.turnstile.api;
    requires transitive HdrHistogram;
    requires java.management;
    requires jdk.management;

    exports dev.turnstile.loadgen;
}
