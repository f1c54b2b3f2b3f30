/**
 * The benchmark harness, for the CLI. The Netty peer and the JMH microbenchmarks stay inside;
 * JMH is needed only to compile and to run benchmarks.jar.
 */
module dev.turnstile.bench {
    requires dev.turnstile.core;
    requires transitive dev.turnstile.loadgen;
    requires java.desktop;
    requires org.knowm.xchart;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires static jmh.core;

    exports dev.turnstile.bench;
}
