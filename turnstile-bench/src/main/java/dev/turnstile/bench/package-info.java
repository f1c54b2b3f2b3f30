/**
 * The benchmark harness: every server model, and a Netty peer, measured side by side under the
 * same load.
 *
 * <p>A {@link dev.turnstile.bench.BenchPlan} is a matrix of contenders ({@link dev.turnstile.bench.Lineup})
 * × workloads × connection counts; {@link dev.turnstile.bench.Feasibility} says which cells are run
 * and why the others are not. {@link dev.turnstile.bench.Bench} runs the cells one at a time: for
 * each, a fresh server process ({@link dev.turnstile.bench.ServerProcess}), sampled through
 * {@code /proc} for CPU, memory, threads and processes, and the load generator as a process of its
 * own ({@link dev.turnstile.bench.LoadProcess}). Results ({@link dev.turnstile.bench.BenchResults})
 * are kept apart from the load's raw samples and from the report and charts made from them.
 *
 * <p>{@link dev.turnstile.bench.Soak} runs one model at a time for a long time under a mixed load
 * ({@link dev.turnstile.bench.SoakLoad}) and judges whether its server's RSS, descriptors and
 * threads stayed flat ({@link dev.turnstile.bench.Flatness}).
 *
 * <p>{@link dev.turnstile.bench.Evidence} measures each claim of the lecture notes with a scenario
 * of its own (an {@code EvidenceScenario} per claim, sharing an {@code EvidenceLab} that starts
 * server processes and keeps first-reply figures), and writes a section per claim with a verdict
 * derived from the figures by the rule the scenario states ({@code Finding}, {@code EvidenceReport}).
 */
package dev.turnstile.bench;
