package dev.turnstile.cli;

import dev.turnstile.api.ServiceProvider;
import dev.turnstile.core.Services;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code turnstile services}: every service {@code serve --service NAME} can run, with a line each. */
@Command(name = "services", mixinStandardHelpOptions = true, description = "List the services 'serve --service' can run.")
final class ServicesCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        for (ServiceProvider p : Services.all()) {
            System.out.printf("%-8s %s%n", p.name(), p.description());
        }
        return 0;
    }
}
