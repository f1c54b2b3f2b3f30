package dev.turnstile.model.process;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public final class ProcessPerConnectionProvider implements ModelProvider {

    /** tcpserver's default for -c. */
    static final int DEFAULT_MAX_CHILDREN = 40;

    @Override
    public String name() {
        return "process-per-connection";
    }

    @Override
    public String description() {
        return "the master accepts and starts a process per connection: a JVM running the service, or any program (--exec)";
    }

    @Override
    public List<String> options() {
        List<String> options = new ArrayList<>(List.of("--max-children N (default " + DEFAULT_MAX_CHILDREN + ")",
                "--exec CMD [ARGS...] (run a program per connection instead, tcpserver style)",
                "--spares K (JVM children started ahead of demand, one connection each; default 0)"));
        options.addAll(WorkerLaunch.OPTIONS);
        return options;
    }

    private static int spares(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("spares must be a whole number (got '" + text + "')");
        }
    }

    @Override
    public boolean runsSessions() {
        return true;
    }

    @Override
    public boolean servesInOtherProcesses() {
        return true;
    }

    @Override
    public ServerModel create(ModelOptions options) {
        int maxChildren = options.extraPositiveInt("max-children").orElse(DEFAULT_MAX_CHILDREN);
        Optional<List<String>> exec = options.extra("exec").map(ExecCommand::split);
        int spares = options.extra("spares").map(ProcessPerConnectionProvider::spares).orElse(0);
        return new ProcessPerConnection(new ProcessPerConnection.Settings(maxChildren, exec,
                WorkerLaunch.from(options, WorkerJvm.StartMode.FAST), spares));
    }
}
