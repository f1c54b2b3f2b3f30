/** The service API and the model interface, JDK only. Models are found as {@link dev.turnstile.api.ModelProvider} services. */
module dev.turnstile.api {
    exports dev.turnstile.api;
}
