package dev.turnstile.examples.resp;

import java.util.Locale;

/**
 * One Redis command: its name, how many words it takes and what it does. Immutable; shared by
 * every connection.
 *
 * <p>The arity follows Redis: it counts the name, and a negative arity is a minimum
 * ({@code GET} is 2, {@code DEL} is -2: the name and at least one key).
 */
final class Command {

    /** What a command does, given its checked words; writes its reply or throws {@link RespError}. */
    @FunctionalInterface
    interface Action {
        void run(Arguments args, Store store, ReplyWriter reply);
    }

    private final String name;
    private final String upperName;
    private final int arity;
    private final Action action;

    /** @param name in lower case, as Redis names a command in its errors */
    Command(String name, int arity, Action action) {
        this.name = name;
        this.upperName = name.toUpperCase(Locale.ROOT);
        this.arity = arity;
        this.action = action;
    }

    String name() {
        return name;
    }

    /** True if word {@code i} of {@code args} names this command, in any case. */
    boolean isNamedBy(Arguments args, int i) {
        return args.is(i, upperName);
    }

    /** True if a call with {@code count} words (the name included) has the right number. */
    boolean accepts(int count) {
        return arity >= 0 ? count == arity : count >= -arity;
    }

    void run(Arguments args, Store store, ReplyWriter reply) {
        action.run(args, store, reply);
    }
}
