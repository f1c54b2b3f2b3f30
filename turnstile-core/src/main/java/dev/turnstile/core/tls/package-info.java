/**
 * TLS on the server side, with the JDK's own provider: {@link dev.turnstile.core.tls.ServerTls}
 * turns a {@link dev.turnstile.api.TlsSettings} (PEM files or a PKCS#12 store, read by
 * {@link dev.turnstile.core.tls.PemIdentity} or the JDK's {@code KeyStore}) into an
 * {@code SSLContext} once per server, and hands out what each kind of model needs: an
 * {@code SSLSocket} layered over an accepted socket for the blocking models, a
 * {@link dev.turnstile.core.tls.TlsChannel} (an {@code SSLEngine} between a plaintext side and a
 * non-blocking socket, with bounded buffers) for the event loops.
 */
package dev.turnstile.core.tls;
