/**
 * The machinery models share and the entry point users call ({@code Server}, {@code Models}),
 * framers, and the echo service. Finds models through {@link java.util.ServiceLoader}.
 */
module dev.turnstile.core {
    requires transitive dev.turnstile.api;
    requires org.slf4j;

    exports dev.turnstile.core;
    exports dev.turnstile.core.framing;
    exports dev.turnstile.core.proxy;
    exports dev.turnstile.core.tls;
    exports dev.turnstile.echo;

    uses dev.turnstile.api.ModelProvider;
    uses dev.turnstile.api.ServiceProvider;
    uses dev.turnstile.core.ListenerSeal;

    provides dev.turnstile.api.ServiceProvider with dev.turnstile.echo.EchoProvider;
}
