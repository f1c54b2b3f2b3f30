package dev.turnstile.examples.resp;

import java.util.List;

/** Commands on keys of any type: DEL, EXISTS, EXPIRE, TTL, DBSIZE, FLUSHALL. */
final class KeyCommands {

    private KeyCommands() {
    }

    static List<Command> all() {
        return List.of(
                new Command("del", -2, KeyCommands::del),
                new Command("exists", -2, KeyCommands::exists),
                new Command("expire", -3, KeyCommands::expire),
                new Command("ttl", 2, KeyCommands::ttl),
                new Command("dbsize", 1, (args, store, reply) -> reply.integer(store.size())),
                new Command("flushall", -1, KeyCommands::flushAll));
    }

    private static void del(Arguments args, Store store, ReplyWriter reply) {
        long deleted = 0;
        for (int i = 1; i < args.count(); i++) {
            if (store.delete(args.key(i))) {
                deleted++;
            }
        }
        reply.integer(deleted);
    }

    /** Counts a key named twice twice, as Redis does. */
    private static void exists(Arguments args, Store store, ReplyWriter reply) {
        long found = 0;
        for (int i = 1; i < args.count(); i++) {
            if (store.get(args.key(i)) != null) {
                found++;
            }
        }
        reply.integer(found);
    }

    /** EXPIRE key seconds; the NX/XX/GT/LT options of Redis 7 are not supported. */
    private static void expire(Arguments args, Store store, ReplyWriter reply) {
        long seconds = args.integer(2);
        if (args.count() > 3) {
            reply.error("ERR Unsupported option " + args.text(3));
            return;
        }
        long atMillis;
        try {
            atMillis = Math.addExact(store.nowMillis(), Math.multiplyExact(seconds, 1000L));
        } catch (ArithmeticException e) {
            reply.error("ERR invalid expire time in 'expire' command");
            return;
        }
        reply.integer(store.expire(args.key(1), atMillis) ? 1 : 0);
    }

    /** Seconds left, rounded as Redis rounds them; -2 for no key, -1 for no expiry. */
    private static void ttl(Arguments args, Store store, ReplyWriter reply) {
        long millis = store.ttlMillis(args.key(1));
        reply.integer(millis < 0 ? millis : (millis + 500) / 1000);
    }

    private static void flushAll(Arguments args, Store store, ReplyWriter reply) {
        if (args.count() > 2 || (args.count() == 2 && !args.is(1, "ASYNC") && !args.is(1, "SYNC"))) {
            throw RespError.syntax();
        }
        store.clear();
        reply.ok();
    }
}
