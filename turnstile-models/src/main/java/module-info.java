/**
 * The in-process models. Nothing is exported: users reach a model by name through
 * {@code dev.turnstile.core.Models}, which finds the providers below. The providers are also
 * listed in META-INF/services for the class path.
 */
module dev.turnstile.models {
    requires dev.turnstile.core;
    requires org.slf4j;

    provides dev.turnstile.api.ModelProvider with
            dev.turnstile.model.threadper.ThreadPerConnectionProvider,
            dev.turnstile.model.virtual.VirtualThreadPerConnectionProvider,
            dev.turnstile.model.pool.SharedAcceptPoolProvider,
            dev.turnstile.model.pool.HandoffPoolProvider,
            dev.turnstile.model.elastic.ElasticPoolProvider,
            dev.turnstile.model.eventloop.EventLoopProvider,
            dev.turnstile.model.eventloop.MultiLoopProvider,
            dev.turnstile.model.eventloop.LoopWithWorkersProvider;
}
