/**
 * Example services, written against the public API only; found as
 * {@link dev.turnstile.api.ServiceProvider}s (also listed in {@code META-INF/services}).
 */
module dev.turnstile.examples {
    requires dev.turnstile.core;
}
