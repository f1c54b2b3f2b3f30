/**
 * The admin endpoint of a running server: a live status page, its JSON, Prometheus metrics and JMX
 * meters, all read from the model's {@link dev.turnstile.api.ServerStats}; and the access log.
 */
package dev.turnstile.admin;
