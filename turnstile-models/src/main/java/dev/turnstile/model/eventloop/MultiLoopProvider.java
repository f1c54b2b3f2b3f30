package dev.turnstile.model.eventloop;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerModel;

import java.util.ArrayList;
import java.util.List;

public final class MultiLoopProvider implements ModelProvider {

    /** The faster of the two in our measurements; see the package documentation. */
    static final AcceptMode DEFAULT_ACCEPT = AcceptMode.REUSE_PORT;

    @Override
    public String name() {
        return "multi-loop";
    }

    @Override
    public String description() {
        return "N selector loops (default: one per processor), connections spread over them";
    }

    @Override
    public List<String> options() {
        List<String> all = new ArrayList<>(List.of(
                "--loops N or --workers N (default: processors)",
                "--accept reuse-port|round-robin (default " + DEFAULT_ACCEPT.cliName() + ")"));
        all.addAll(EventLoopProvider.LOOP_OPTIONS);
        return all;
    }

    @Override
    public boolean runsSessions() {
        return false;
    }

    @Override
    public ServerModel create(ModelOptions options) {
        int loops = LoopSettings.loops(options, options.workers().orElse(Runtime.getRuntime().availableProcessors()));
        return new LoopModel(LoopSettings.from(name(), loops, DEFAULT_ACCEPT, 0, options));
    }
}
