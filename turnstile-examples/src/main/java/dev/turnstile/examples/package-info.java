/**
 * Services written exactly as a user would write one, against {@code dev.turnstile.api} (and the
 * built-in framers of {@code dev.turnstile.core.framing}) only, each a short guide:
 * {@code resp}, a key-value store that Redis clients talk to, and {@code chat}, a line protocol
 * where the server speaks first and pushes every member's lines to the others. Each is found by
 * {@code turnstile serve --service NAME} through its {@link dev.turnstile.api.ServiceProvider}.
 */
package dev.turnstile.examples;
