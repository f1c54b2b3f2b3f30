package dev.turnstile.cli;

import dev.turnstile.api.ServerConfig;
import dev.turnstile.loadgen.Json;
import dev.turnstile.model.prefork.StatusPage;
import dev.turnstile.model.process.Scoreboard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code turnstile status}: the picture of a running server in the terminal, for any model,
 * read from its admin endpoint's {@code /status.json} ({@code serve --admin-port P}).
 *
 * <p>The process models also keep their scoreboard in shared memory, readable without the admin
 * endpoint: {@code --scoreboard PORT} prints it (Apache's server-status layout) for the server on
 * that port; and when nothing answers HTTP on {@code --port} but a process model's scoreboard
 * exists for that port (the way {@code status --port SERVER_PORT} worked before the admin
 * endpoint), that is printed instead, saying so.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print a running server's status (workers and their states, open connections, pool events) from its "
                + "admin endpoint (serve --admin-port); or a process model's shared-memory scoreboard.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT",
            description = "The server's admin port (serve --admin-port); default: ${DEFAULT-VALUE}.")
    int port = ServerConfig.DEFAULT_PORT;

    @Option(names = "--host", paramLabel = "HOST", description = "Where the admin endpoint listens; default: ${DEFAULT-VALUE}.")
    String host = "127.0.0.1";

    @Option(names = "--scoreboard", paramLabel = "SERVER_PORT",
            description = "Read the shared-memory scoreboard of the process model serving on this port instead (no admin port needed).")
    Integer scoreboard;

    @Override
    public Integer call() {
        return print(System.out, System.err);
    }

    int print(PrintStream out, PrintStream err) {
        if (scoreboard != null) {
            return StatusPage.print(scoreboard, out, err);
        }
        URI uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/status.json");
        String body;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            body = response.body();
        } catch (IOException e) {
            if (Files.exists(Scoreboard.fileFor(port))) {
                err.println("turnstile status: no admin endpoint at " + uri + "; showing the scoreboard of the process model on port " + port);
                return StatusPage.print(port, out, err);
            }
            err.println("turnstile status: nothing answers at " + uri + " (" + (e.getMessage() == null ? e.toString() : e.getMessage())
                    + "); start the server with --admin-port " + port + ", or give the admin port with --port");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = (Map<String, Object>) Json.parse(body);
            out.print(TerminalStatus.render(doc));
            return 0;
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            err.println("turnstile status: " + uri + " did not answer with a turnstile status document: " + e.getMessage());
            return 1;
        }
    }
}
