package dev.turnstile.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The entry point. Wrong options print one line and the usage hint (exit 2); a failure such as
 * a port in use prints one line (exit 1); no stack trace reaches the user unless
 * {@code TURNSTILE_DEBUG=1}.
 */
@Command(name = "turnstile", mixinStandardHelpOptions = true, version = "turnstile 0.1.0",
        description = "TCP servers whose concurrency model is a choice, not a rewrite.",
        subcommands = {ServeCommand.class, ClientCommand.class, DemoCommand.class, ModelsCommand.class, ServicesCommand.class, LoadCommand.class,
                StatusCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Turnstile {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (for tests). */
    public static int run(String... args) {
        return commandLine(System.getenv()).execute(args);
    }

    /** {@link #commandLine(Map)} with this process's environment. */
    static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /**
     * The command line with its subcommands, serve's and demo's options grouped by topic, serve's
     * defaults from {@code environment} and the config file ({@link SettingSources}), and the error handlers.
     */
    static CommandLine commandLine(Map<String, String> environment) {
        CommandLine cli = new CommandLine(new Turnstile());
        for (String grouped : new String[]{"serve", "demo"}) {
            OptionTopics.group(cli.getSubcommands().get(grouped).getCommandSpec());
        }
        CommandLine serve = cli.getSubcommands().get("serve");
        ServeCommand command = serve.getCommand();
        command.sources = new SettingSources(environment, () -> command.config);
        serve.setDefaultValueProvider(command.sources);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("turnstile: " + e.getMessage() + origin(e, command.sources));
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (System.getenv("TURNSTILE_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().println("turnstile: " + describe(e));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli;
    }

    /** For a bad value that came from the environment or the config file: where it came from. */
    private static String origin(CommandLine.ParameterException e, SettingSources sources) {
        if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec option
                && !e.getCommandLine().getParseResult().hasMatchedOption(option)) {
            return sources.suppliedFor(option).map(s -> " (from " + s.where() + ")").orElse("");
        }
        return "";
    }

    /** One line for a failure: the message, or the exception type when there is none. */
    static String describe(Throwable e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return t instanceof IOException && !(t instanceof java.net.BindException) ? t.getClass().getSimpleName() + ": " + message : message;
    }
}
