/**
 * The process models, process per connection and the pre-forked pool: the only module that reads
 * dev.turnstile.posix. Found by name like every model; the CLI alone sees the packages, for the
 * exec options and the pool's status page. The providers are also listed in META-INF/services for
 * the class path, on which worker JVMs run.
 */
module dev.turnstile.process {
    requires dev.turnstile.core;
    requires dev.turnstile.posix;
    requires org.slf4j;

    exports dev.turnstile.model.process to dev.turnstile.cli;
    exports dev.turnstile.model.prefork to dev.turnstile.cli;

    uses dev.turnstile.core.ListenerSeal; // a pool worker seals its own reuseport socket (OwnSocketSeal)

    provides dev.turnstile.api.ModelProvider with
            dev.turnstile.model.process.ProcessPerConnectionProvider,
            dev.turnstile.model.prefork.PreforkPoolProvider;
}
