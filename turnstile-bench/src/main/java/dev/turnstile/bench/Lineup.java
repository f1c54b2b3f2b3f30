package dev.turnstile.bench;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contenders of a run: every model in the {@link Models} registry with its default sizing,
 * each pool model a second time with the notes' pool of 3, and the peers.
 *
 * <p>Sizing is read from what a provider says about itself: a model whose options list
 * {@code --workers N (default D)} or {@code --max N (default D)} serves at most D connections at
 * once, and the bench passes that size explicitly so the run record shows it. A model that states
 * no bound (per-connection models) is taken as unbounded. New models join with no change here.
 */
public final class Lineup {

    /** The notes' pool examples (process pool and hand-off pool) use 3 workers. */
    static final int NOTES_POOL_SIZE = 3;
    static final String NETTY = "netty";

    private static final Pattern WORKERS = Pattern.compile("--workers N \\(default (\\d+)\\)");
    private static final Pattern MAX = Pattern.compile("--max N \\(default (\\d+)\\)");

    private Lineup() {
    }

    /** Every registered model, the pool-of-3 variants, then the Netty peer. */
    public static List<Contender> all() {
        List<Contender> contenders = new ArrayList<>();
        for (ModelProvider provider : Models.all()) {
            contenders.addAll(of(provider));
        }
        contenders.add(netty());
        return List.copyOf(contenders);
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
        String options = String.join(" ", provider.options());
        String model = provider.name();
        Matcher workers = WORKERS.matcher(options);
        if (workers.find()) {
            int size = Integer.parseInt(workers.group(1));
            return List.of(pool(model, model, size, size + " workers (the model's default)"),
                    pool(model, model + "-" + NOTES_POOL_SIZE, NOTES_POOL_SIZE,
                            NOTES_POOL_SIZE + " workers (the notes' pool example)"));
        }
        Matcher max = MAX.matcher(options);
        if (max.find()) {
            int size = Integer.parseInt(max.group(1));
            return List.of(new Contender(model, List.of("--model", model, "--max", String.valueOf(size)),
                    OptionalInt.of(size), "grows to " + size + " threads (the model's default)"));
        }
        return List.of(new Contender(model, List.of("--model", model), OptionalInt.empty(),
                "unbounded (the model's default)"));
    }

    private static Contender pool(String model, String name, int workers, String sizing) {
        return new Contender(name, List.of("--model", model, "--workers", String.valueOf(workers)),
                OptionalInt.of(workers), sizing);
    }

    /** Netty 4.2, NIO transport, one event loop that accepts and serves, line framing. */
    static Contender netty() {
        return new Contender(NETTY, List.of("--peer", NETTY, "--loops", "1"), OptionalInt.empty(),
                "Netty 4.2 NIO, 1 event loop, line framing (peer)");
    }
}
