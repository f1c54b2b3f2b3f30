package dev.turnstile.examples.resp;

import java.util.List;

/** Commands on string values: SET (with EX, PX, NX, XX), GET, INCR, INCRBY, DECR, DECRBY, MSET, MGET. */
final class StringCommands {

    private StringCommands() {
    }

    static List<Command> all() {
        return List.of(
                new Command("set", -3, StringCommands::set),
                new Command("get", 2, (args, store, reply) -> reply.bulk(store.getText(args.key(1)))),
                new Command("incr", 2, (args, store, reply) -> reply.integer(store.incrementBy(args.key(1), 1))),
                new Command("decr", 2, (args, store, reply) -> reply.integer(store.incrementBy(args.key(1), -1))),
                new Command("incrby", 3, (args, store, reply) ->
                        reply.integer(store.incrementBy(args.key(1), args.integer(2)))),
                new Command("decrby", 3, StringCommands::decrBy),
                new Command("mset", -3, StringCommands::mset),
                new Command("mget", -2, StringCommands::mget));
    }

    /** SET key value [NX | XX] [EX seconds | PX milliseconds], checked as Redis checks them. */
    private static void set(Arguments args, Store store, ReplyWriter reply) {
        Store.Condition condition = Store.Condition.ALWAYS;
        long ttlMillis = 0; // none
        for (int i = 3; i < args.count(); i++) {
            boolean hasNext = i + 1 < args.count();
            if (args.is(i, "NX") && condition != Store.Condition.IF_PRESENT) {
                condition = Store.Condition.IF_ABSENT;
            } else if (args.is(i, "XX") && condition != Store.Condition.IF_ABSENT) {
                condition = Store.Condition.IF_PRESENT;
            } else if ((args.is(i, "EX") || args.is(i, "PX")) && ttlMillis == 0 && hasNext) {
                long amount = args.integer(i + 1);
                boolean seconds = args.is(i, "EX");
                if (amount <= 0 || (seconds && amount > Long.MAX_VALUE / 1000)) {
                    throw new RespError("ERR invalid expire time in 'set' command");
                }
                ttlMillis = seconds ? amount * 1000 : amount;
                i++;
            } else {
                throw RespError.syntax();
            }
        }
        long expiresAt = Entry.NEVER;
        if (ttlMillis > 0) {
            try {
                expiresAt = Math.addExact(store.nowMillis(), ttlMillis);
            } catch (ArithmeticException e) {
                throw new RespError("ERR invalid expire time in 'set' command");
            }
        }
        if (store.set(args.key(1), args.bytes(2), expiresAt, condition)) {
            reply.ok();
        } else {
            reply.nil();
        }
    }

    private static void decrBy(Arguments args, Store store, ReplyWriter reply) {
        long decrement = args.integer(2);
        if (decrement == Long.MIN_VALUE) {
            throw new RespError("ERR decrement would overflow");
        }
        reply.integer(store.incrementBy(args.key(1), -decrement));
    }

    /** Sets each key in turn: each key atomically, not all of them at once as in Redis. */
    private static void mset(Arguments args, Store store, ReplyWriter reply) {
        if (args.count() % 2 == 0) {
            reply.error("ERR wrong number of arguments for 'mset' command");
            return;
        }
        for (int i = 1; i < args.count(); i += 2) {
            store.set(args.key(i), args.bytes(i + 1), Entry.NEVER, Store.Condition.ALWAYS);
        }
        reply.ok();
    }

    /** A nil for a key that is missing or not a string. */
    private static void mget(Arguments args, Store store, ReplyWriter reply) {
        reply.array(args.count() - 1);
        for (int i = 1; i < args.count(); i++) {
            Entry entry = store.get(args.key(i));
            reply.bulk(entry instanceof Entry.Text text ? text.bytes() : null);
        }
    }
}
