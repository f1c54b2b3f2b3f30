package dev.turnstile.bench;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contenders of a run: every model in the {@link Models} registry with its default sizing,
 * each pool model a second time with the notes' pool of 3, and the peers.
 *
 * <p>Sizing is read from what a provider says about itself. A model that runs sessions gives each
 * connection a thread or process of its own, so a pool size it states ({@code --workers N (default
 * D)}, {@code --max N (default D)} or {@code --max-children N (default D)}) is how many connections
 * it serves at once; the bench passes that size explicitly so the run record shows it. A model
 * that runs only message handlers (an event loop) holds any number of connections whatever its
 * workers, and a model that states no bound is taken as unbounded. New models join with no change.
 */
public final class Lineup {

    /** The notes' pool examples (process pool and hand-off pool) use 3 workers. */
    static final int NOTES_POOL_SIZE = 3;
    static final String NETTY = "netty";
    /** Selector threads of {@code multi-loop} by default, and so of the Netty peer it is compared with. */
    static final int PROCESSORS = Runtime.getRuntime().availableProcessors();

    /**
     * Like-for-like pairs, turnstile model to Netty peer with the same number of event loops: the
     * single-loop model against Netty with one loop, the multi-loop model (one loop per processor
     * by default) against Netty with as many.
     */
    private static final Map<String, String> PEERS = PROCESSORS > 1
            ? Map.of("event-loop", NETTY, "multi-loop", NETTY + "-" + PROCESSORS)
            : Map.of("event-loop", NETTY, "multi-loop", NETTY);

    private static final Pattern BOUND = Pattern.compile("--(workers|max|max-children) N \\(default (\\d+)\\)");

    private Lineup() {
    }

    /** Every registered model, the pool-of-3 variants, then the Netty peer with one loop and with one per processor. */
    public static List<Contender> all() {
        List<Contender> contenders = new ArrayList<>();
        for (ModelProvider provider : Models.all()) {
            contenders.addAll(of(provider));
        }
        contenders.add(netty(1));
        if (PROCESSORS > 1) {
            contenders.add(netty(PROCESSORS));
        }
        return List.copyOf(contenders);
    }

    /** The peer a turnstile model is compared with like for like, if it has one. */
    static Optional<String> peerOf(String contender) {
        return Optional.ofNullable(PEERS.get(contender));
    }

    /** The contenders named, in the order given; an unknown name is an error listing the known ones. */
    public static List<Contender> select(List<String> names) {
        List<Contender> known = all();
        List<Contender> chosen = new ArrayList<>();
        for (String name : names) {
            chosen.add(known.stream().filter(c -> c.name().equals(name.trim())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown model '" + name + "'; known: "
                            + String.join(", ", known.stream().map(Contender::name).toList()))));
        }
        return List.copyOf(chosen);
    }

    /** The contenders made from one model. */
    static List<Contender> of(ModelProvider provider) {
        String model = provider.name();
        Matcher bound = BOUND.matcher(String.join(" ", provider.options()));
        if (!provider.runsSessions() || !bound.find()) {
            return List.of(new Contender(model, List.of("--model", model), OptionalInt.empty(),
                    provider.runsSessions() ? "unbounded (the model's default)"
                            : "the model's defaults; holds any number of connections"));
        }
        String option = bound.group(1);
        int size = Integer.parseInt(bound.group(2));
        Contender byDefault = sized(model, model, option, size, "--" + option + " " + size + " (the model's default)");
        if (!option.equals("workers")) {
            return List.of(byDefault);
        }
        return List.of(byDefault, sized(model, model + "-" + NOTES_POOL_SIZE, option, NOTES_POOL_SIZE,
                "--workers " + NOTES_POOL_SIZE + " (the notes' pool example)"));
    }

    private static Contender sized(String model, String name, String option, int size, String sizing) {
        // ServerProcess has flags for the common pool knobs; a model's own knob goes as --option KEY=VALUE
        List<String> knob = option.equals("workers") || option.equals("max")
                ? List.of("--" + option, String.valueOf(size))
                : List.of("--option", option + "=" + size);
        List<String> args = new ArrayList<>(List.of("--model", model));
        args.addAll(knob);
        return new Contender(name, List.copyOf(args), OptionalInt.of(size), sizing);
    }

    /**
     * Netty 4.2, NIO transport, line framing, {@code loops} event loops in one group that accepts and
     * serves: {@code netty} with one loop, {@code netty-N} with N.
     */
    static Contender netty(int loops) {
        return new Contender(loops == 1 ? NETTY : NETTY + "-" + loops,
                List.of("--peer", NETTY, "--loops", String.valueOf(loops)), OptionalInt.empty(),
                "Netty 4.2 NIO, " + loops + (loops == 1 ? " event loop" : " event loops") + ", line framing (peer)");
    }
}
