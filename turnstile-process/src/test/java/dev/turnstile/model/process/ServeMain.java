package dev.turnstile.model.process;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.api.Service;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.core.Server;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A server in a JVM of its own, for tests that must kill or signal the server's process:
 * {@code ServeMain MODEL SERVICE_CLASS [key=value...]} prints {@code listening on PORT} and
 * serves until SIGTERM or SIGINT, which stop it with a 5 s drain, as the CLI's serve does (and
 * with the same {@code sun.misc.Signal} handlers); then it prints the report, with the messages
 * the service handled, and exits 0.
 * Keys: {@code workers}, {@code min}, {@code max}, {@code proxy-protocol} (v1, v2, any), or any model option.
 */
public final class ServeMain {

    private ServeMain() {
    }

    public static void main(String[] args) throws Exception {
        ModelOptions options = ModelOptions.none();
        ProxyProtocol proxy = ProxyProtocol.off();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv[0].equals("proxy-protocol")) {
                proxy = ProxyProtocol.of(ProxyProtocol.Mode.parse(kv[1]));
                continue;
            }
            options = switch (kv[0]) {
                case "workers" -> options.withWorkers(Integer.parseInt(kv[1]));
                case "min" -> options.withMinWorkers(Integer.parseInt(kv[1]));
                case "max" -> options.withMaxWorkers(Integer.parseInt(kv[1]));
                default -> options.with(kv[0], kv[1]);
            };
        }
        Service service = (Service) Class.forName(args[1]).getConstructor().newInstance();
        Server server = Server.builder().model(args[0]).options(options).service(service).port(0)
                .proxyProtocol(proxy).start();
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stop.countDown());
        }
        System.out.println("listening on " + server.port());
        System.out.flush();
        stop.await();
        ShutdownReport report = server.stop(Duration.ofSeconds(5));
        System.out.println("stopped: drained " + report.drained() + ", forced " + report.forced()
                + ", stragglers " + report.stragglers().size() + ", messages " + server.snapshot().messages());
        System.exit(0);
    }
}
