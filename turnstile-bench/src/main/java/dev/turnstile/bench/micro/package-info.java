/**
 * JMH microbenchmarks of the per-message hot paths: framing ({@code LineFramer}, {@code AutoFramer}),
 * the echo service ({@code EchoUppercase.answer}) and one request through a whole
 * {@code Conversation}. Not run by the tests; run them with
 * {@code ./mvnw -pl turnstile-bench -am package -DskipTests && java -jar turnstile-bench/target/benchmarks.jar -prof gc}.
 * Each should allocate nothing per operation ({@code gc.alloc.rate.norm} near 0 B/op).
 */
package dev.turnstile.bench.micro;
