package dev.turnstile.cli;

import dev.turnstile.admin.AdminServer;
import dev.turnstile.admin.ServerFacts;
import dev.turnstile.admin.StatusSource;
import dev.turnstile.core.Server;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --admin-port} and {@code --admin-address}: the status page and its JSON for any model
 * (the process models serve it from the master, whose stats their scoreboard feeds).
 */
final class AdminOptions {

    @Option(names = "--admin-port", paramLabel = "PORT",
            description = "Serve the live status page (/status) and its JSON (/status.json) on this port (0: any free, printed); default: off.")
    Integer adminPort;

    @Option(names = "--admin-address", paramLabel = "ADDRESS",
            description = "The address the admin port binds; default: ${DEFAULT-VALUE} (loopback: only this machine can look).")
    String adminAddress = "127.0.0.1";

    /** Starts the admin endpoint if {@code --admin-port} was given, and prints where the page is. */
    Optional<AdminServer> start(Server server, Map<String, String> settings, PrintStream out) throws IOException {
        if (adminPort == null) {
            return Optional.empty();
        }
        return Optional.of(startOn(adminAddress, adminPort, server, settings, out));
    }

    /** Starts the admin endpoint on {@code address}:{@code port} for {@code server}; prints the page's address. */
    static AdminServer startOn(String address, int port, Server server, Map<String, String> settings, PrintStream out)
            throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--admin-port must be 0..65535 (got " + port + ")");
        }
        String listen = server.address().getAddress().getHostAddress() + ":" + server.port();
        ServerFacts facts = ServerFacts.ofThisProcess(server.modelName(), settings, listen);
        AdminServer admin = AdminServer.start(new InetSocketAddress(InetAddress.getByName(address), port),
                StatusSource.of(facts, server.stats()));
        out.println("status page: " + admin.statusPage() + " (JSON: " + admin.statusPage() + ".json)");
        out.flush();
        return admin;
    }
}
