/**
 * Machinery shared by the models: the {@link dev.turnstile.core.Conversation} state machine that
 * drives a framer and a handler with no I/O, the {@link dev.turnstile.core.AcceptLoop} written
 * once for every model that blocks in accept, {@link dev.turnstile.core.Backoff},
 * {@link dev.turnstile.core.Admission}, {@link dev.turnstile.core.Lifecycle}, the
 * {@link dev.turnstile.core.StopSequence} (stop accepting, drain, force) that every model stops with, the
 * {@link dev.turnstile.core.BlockingDriver} that runs one connection on one thread, the
 * {@link dev.turnstile.core.BlockingModel} base that every thread model shares, and the
 * {@link dev.turnstile.core.Server} builder.
 */
package dev.turnstile.core;
