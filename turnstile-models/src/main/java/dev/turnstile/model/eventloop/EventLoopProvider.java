package dev.turnstile.model.eventloop;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerModel;

import java.util.List;

public final class EventLoopProvider implements ModelProvider {

    /** The options every loop model reads, as the command line spells them. */
    static final List<String> LOOP_OPTIONS = List.of(
            "--high-water BYTES (default " + LoopSettings.DEFAULT_HIGH_WATER_BYTES + ")",
            "--low-water BYTES (default " + LoopSettings.DEFAULT_LOW_WATER_BYTES + ")",
            "--slow-callback D (default " + LoopSettings.DEFAULT_SLOW_CALLBACK.toMillis() + "ms)");

    @Override
    public String name() {
        return "event-loop";
    }

    @Override
    public String description() {
        return "one thread with a selector runs every connection: non-blocking accept, read and write";
    }

    @Override
    public List<String> options() {
        return LOOP_OPTIONS;
    }

    @Override
    public boolean runsSessions() {
        return false;
    }

    @Override
    public ServerModel create(ModelOptions options) {
        return new LoopModel(LoopSettings.from(name(), 1, AcceptMode.ROUND_ROBIN, 0, options));
    }
}
