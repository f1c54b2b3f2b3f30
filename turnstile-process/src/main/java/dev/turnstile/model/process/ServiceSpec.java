package dev.turnstile.model.process;

import dev.turnstile.api.Cidr;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.Service;
import dev.turnstile.api.TlsSettings;
import dev.turnstile.core.tls.ServerTls;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a worker JVM serves and with which limits, as it travels on the worker's command line: a
 * JVM cannot be forked, so the worker re-creates the service from its class name and the limits
 * from the server's config. The service must therefore be a public class with a public
 * no-argument constructor, found on the class path the workers get (the master's own).
 *
 * @param serviceClass the service's binary class name
 * @param config       the server's config: framing, limits, and the address (which reuseport workers bind)
 */
public record ServiceSpec(String serviceClass, ServerConfig config) {

    /**
     * Refuses per-source limits with the PROXY protocol: the process models apply them where they
     * accept (the master, or each pool worker's accept loop), before the header names the client, so
     * they would count the balancer's address, not the clients'.
     */
    public static void refusePerSourceLimitsBehindProxy(ServerConfig config, String model) {
        ConnectionLimits limits = config.limits();
        if (config.proxyProtocol().enabled() && (limits.maxConnectionsPerIp() > 0 || limits.maxAcceptRate() > 0)) {
            throw new IllegalArgumentException(model + " applies --max-connections-per-ip and --max-accept-rate when it"
                    + " accepts, before a PROXY header names the client, so behind a balancer they would count the"
                    + " balancer; drop them here (the in-process models apply them to the header's client)");
        }
    }

    /** The argument names {@link #toArguments()} writes. */
    public static final Set<String> ARGUMENTS = Set.of("service", "host", "port", "backlog", "idle-timeout-ms",
            "max-message-bytes", "framing", "max-pending-bytes", "write-timeout-ms", "message-timeout-ms",
            "tls-cert", "tls-key", "tls-keystore", "tls-keystore-password-file", "tls-handshake-timeout-ms",
            "proxy-protocol", "proxy-from", "proxy-header-timeout-ms");

    public ServiceSpec {
        Objects.requireNonNull(serviceClass, "serviceClass");
        Objects.requireNonNull(config, "config");
    }

    /**
     * The spec for {@code service} under {@code config}, checked here in the master so that a
     * service the workers could not create fails the start, not every worker.
     *
     * @throws IllegalArgumentException if workers could not create the service by its class name, or
     *                                  the TLS files cannot be used
     */
    public static ServiceSpec of(Service service, ServerConfig config, String model) {
        if (service.sharesStateAcrossConnections()) {
            throw new IllegalArgumentException(model + " cannot run " + service.name() + ": its connections share"
                    + " state in one object, and " + model + " serves them in separate worker processes, each of"
                    + " which would hold its own copy (processes share nothing unless given shared memory); run it"
                    + " with a thread or event-loop model");
        }
        Class<?> type = service.getClass();
        String problem = null;
        if (type.isAnonymousClass() || type.isLocalClass() || type.isHidden() || type.isSynthetic()) {
            problem = "is an anonymous, local or lambda class";
        } else if (!Modifier.isPublic(type.getModifiers())) {
            problem = "is not public";
        } else if (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())) {
            problem = "is an inner class";
        } else {
            try {
                if (!Modifier.isPublic(type.getConstructor().getModifiers())) {
                    problem = "has no public no-argument constructor";
                }
            } catch (NoSuchMethodException e) {
                problem = "has no public no-argument constructor";
            }
        }
        if (problem != null) {
            throw new IllegalArgumentException(model + " runs the service in worker processes, which create it by"
                    + " class name, but " + type.getName() + " " + problem
                    + "; use a public class with a public no-argument constructor, or a thread model");
        }
        ServerTls.loadIfSet(config.tls()); // the workers read the same files: a bad one fails the start here, not in each worker
        return new ServiceSpec(type.getName(), config);
    }

    /** The worker arguments that carry this spec. */
    public List<String> toArguments() {
        List<String> args = new ArrayList<>();
        WorkerArguments.add(args, "service", serviceClass);
        WorkerArguments.add(args, "host", config.host());
        WorkerArguments.add(args, "port", config.port());
        WorkerArguments.add(args, "backlog", config.acceptBacklog());
        WorkerArguments.add(args, "idle-timeout-ms", config.idleTimeout().toMillis());
        WorkerArguments.add(args, "max-message-bytes", config.maxMessageBytes());
        WorkerArguments.add(args, "framing", config.framing().cliName());
        WorkerArguments.add(args, "max-pending-bytes", config.maxPendingBytes());
        WorkerArguments.add(args, "write-timeout-ms", Math.max(1, config.writeTimeout().toMillis()));
        WorkerArguments.add(args, "message-timeout-ms", Math.max(1, config.messageTimeout().toMillis()));
        TlsSettings tls = config.tls();
        if (tls != null) { // paths only: each worker reads the files itself, no secret on a command line
            if (tls.isPem()) {
                WorkerArguments.add(args, "tls-cert", tls.certificate().toAbsolutePath().toString());
                WorkerArguments.add(args, "tls-key", tls.privateKey().toAbsolutePath().toString());
            } else {
                WorkerArguments.add(args, "tls-keystore", tls.keyStore().toAbsolutePath().toString());
                if (tls.keyStorePasswordFile() != null) {
                    WorkerArguments.add(args, "tls-keystore-password-file",
                            tls.keyStorePasswordFile().toAbsolutePath().toString());
                }
            }
            WorkerArguments.add(args, "tls-handshake-timeout-ms", Math.max(1, tls.handshakeTimeout().toMillis()));
        }
        ProxyProtocol proxy = config.proxyProtocol();
        WorkerArguments.add(args, "proxy-protocol", proxy.mode().name().toLowerCase(Locale.ROOT));
        WorkerArguments.add(args, "proxy-from", proxy.from().isEmpty() ? "any"
                : String.join(",", proxy.from().stream().map(Cidr::toString).toList()));
        WorkerArguments.add(args, "proxy-header-timeout-ms", Math.max(1, proxy.headerTimeout().toMillis()));
        return args;
    }

    /** Reads the spec back in a worker. */
    public static ServiceSpec fromArguments(WorkerArguments args) {
        Framing framing;
        try {
            framing = Framing.valueOf(args.text("framing").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("worker argument --framing must be line, raw or auto (got '"
                    + args.text("framing") + "')");
        }
        ServerConfig config = new ServerConfig(args.text("host"), Math.toIntExact(args.number("port")),
                Math.toIntExact(args.number("backlog")), Duration.ofMillis(args.number("idle-timeout-ms")),
                Math.toIntExact(args.number("max-message-bytes")), framing,
                Math.toIntExact(args.number("max-pending-bytes")),
                Duration.ofMillis(args.number("write-timeout-ms")), Duration.ofMillis(args.number("message-timeout-ms")));
        if ((args.text("tls-handshake-timeout-ms", null) != null)) {
            Duration handshake = Duration.ofMillis(args.number("tls-handshake-timeout-ms"));
            TlsSettings tls = (args.text("tls-keystore", null) != null)
                    ? TlsSettings.pkcs12(Path.of(args.text("tls-keystore")),
                            (args.text("tls-keystore-password-file", null) != null) ? Path.of(args.text("tls-keystore-password-file")) : null)
                    : TlsSettings.pem(Path.of(args.text("tls-cert")), Path.of(args.text("tls-key")));
            config = config.withTls(tls.withHandshakeTimeout(handshake));
        }
        ProxyProtocol.Mode mode = ProxyProtocol.Mode.parse(args.text("proxy-protocol", "off"));
        if (mode != ProxyProtocol.Mode.OFF) {
            String from = args.text("proxy-from", "any");
            List<Cidr> blocks = from.equals("any") ? List.of()
                    : java.util.Arrays.stream(from.split(",")).map(Cidr::parse).toList();
            config = config.withProxyProtocol(new ProxyProtocol(mode, blocks,
                    Duration.ofMillis(args.number("proxy-header-timeout-ms", ProxyProtocol.DEFAULT_HEADER_TIMEOUT.toMillis()))));
        }
        return new ServiceSpec(args.text("service"), config);
    }

    /**
     * Creates the service in a worker.
     *
     * @throws IllegalArgumentException if the class is missing, is not a service, or its constructor fails
     */
    public Service newService() {
        try {
            Class<?> type = Class.forName(serviceClass, true, ServiceSpec.class.getClassLoader());
            if (!Service.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException(serviceClass + " is not a " + Service.class.getName());
            }
            Constructor<?> constructor = type.getConstructor();
            return (Service) constructor.newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("service class " + serviceClass + " is not on the class path", e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException("service " + serviceClass + " failed to start: "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot create service " + serviceClass + ": " + e, e);
        }
    }
}
