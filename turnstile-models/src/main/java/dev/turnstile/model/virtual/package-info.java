/**
 * A virtual thread per connection: the JDK's answer to the notes' "threads are light". Blocking
 * code as in thread-per-connection, but a blocked virtual thread gives its carrier back, so
 * tens of thousands of connections cost heap, not stacks.
 *
 * <ul>
 * <li><b>Who accepts:</b> one platform acceptor thread.</li>
 * <li><b>Who runs a connection:</b> a new virtual thread, {@code turnstile-vthread-N}.</li>
 * <li><b>What bounds concurrency:</b> nothing by default; {@code --max-connections N}.</li>
 * <li><b>Shutdown:</b> as thread-per-connection.</li>
 * </ul>
 */
package dev.turnstile.model.virtual;
