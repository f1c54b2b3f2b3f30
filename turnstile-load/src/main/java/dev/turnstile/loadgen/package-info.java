/**
 * The load generator behind {@code turnstile load}: drives many connections at a server on this
 * machine, checks every reply, and measures.
 *
 * <p><b>Public surface.</b> {@link dev.turnstile.loadgen.LoadGenerator#run} takes
 * {@link dev.turnstile.loadgen.LoadOptions} and returns a {@link dev.turnstile.loadgen.LoadResult}
 * (JSON out and back in, exact merging); {@link dev.turnstile.loadgen.Summary} and
 * {@link dev.turnstile.loadgen.ProgressLine} render for people. Everything else is package-private.
 *
 * <p><b>Where code runs.</b> A {@code LoadRun} splits the connections over a few
 * {@code ClientLoop}s, one selector thread each ({@code turnstile-load-loop-N}); a loop owns its
 * connections, buffers and histogram outright, so the hot path takes no lock and allocates
 * nothing. A {@code ProgressReporter} thread samples the loops' published counters once a second.
 * With {@code --processes}, a {@code ProcessFanOut} runs child JVMs ({@code LoadChild}) over a
 * line protocol instead, and merges their results.
 *
 * <p><b>What differs between workloads</b> is only when the next message is meant to go
 * ({@code SendSchedule}: at once, after a think pause, at a fixed rate) and, for churn, that each
 * cycle connects and closes. Latency always runs from the intended send time (the connect for
 * churn), so an open-loop run is corrected for coordinated omission.
 *
 * <p><b>Safety.</b> Only loopback addresses are accepted ({@link dev.turnstile.loadgen.LoopbackAddress}),
 * and every run ends by itself: a duration always bounds it, and every connect and reply has a timeout.
 */
package dev.turnstile.loadgen;
