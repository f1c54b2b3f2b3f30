package dev.turnstile.cli;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code turnstile models}: every model with a line of description and its options. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the server models and their options.")
final class ModelsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        for (ModelProvider p : Models.all()) {
            System.out.printf("%-24s %s%n", p.name(), p.description());
            if (!p.options().isEmpty()) {
                System.out.printf("%-24s options: %s%n", "", String.join(", ", p.options()));
            }
            if (!p.runsSessions()) {
                System.out.printf("%-24s runs message handlers only (no blocking session services)%n", "");
            }
        }
        return 0;
    }
}
