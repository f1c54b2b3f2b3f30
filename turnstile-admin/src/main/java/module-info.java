/** The admin endpoint: status page, status JSON, Prometheus metrics, JMX, access log. */
module dev.turnstile.admin {
    requires transitive dev.turnstile.api;
    requires transitive jdk.httpserver; // AdminServer.start takes HttpHandlers
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires micrometer.registry.jmx;

    exports dev.turnstile.admin;
}
