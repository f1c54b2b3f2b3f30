/**
 * The PROXY protocol (HAProxy's v1 and v2): the header a load balancer puts before a client's
 * bytes to say who the client is. {@link dev.turnstile.core.proxy.ProxyHeaderParser} reads it
 * incrementally for every model; {@link dev.turnstile.core.proxy.ProxyPreface} applies the
 * server's {@link dev.turnstile.api.ProxyProtocol} to a blocking connection.
 */
package dev.turnstile.core.proxy;
