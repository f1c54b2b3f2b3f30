package dev.turnstile.cli;

import dev.turnstile.api.ServerConfig;
import dev.turnstile.model.prefork.StatusPage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code turnstile status}: the scoreboard of a process model running on this machine, like Apache's server-status. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print the scoreboard of a process-pool or process-per-connection server on this machine.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", description = "The server's port; default: ${DEFAULT-VALUE}.")
    int port = ServerConfig.DEFAULT_PORT;

    @Override
    public Integer call() {
        return StatusPage.print(port, System.out, System.err);
    }
}
