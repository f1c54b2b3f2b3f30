/**
 * The framers: newline-delimited lines, one message per read ({@code raw}, as the notes'
 * {@code recv(1000)}), and {@code auto}, which starts raw and switches to lines at the first
 * newline. Each framer is per connection and used by one thread at a time.
 */
package dev.turnstile.core.framing;
