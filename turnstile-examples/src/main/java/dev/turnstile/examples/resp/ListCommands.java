package dev.turnstile.examples.resp;

import java.util.ArrayList;
import java.util.List;

/** Commands on list values: LPUSH, RPUSH, LPOP, RPOP (with a count), LLEN, LRANGE. */
final class ListCommands {

    private ListCommands() {
    }

    static List<Command> all() {
        return List.of(
                new Command("lpush", -3, (args, store, reply) -> push(args, store, reply, Store.End.HEAD)),
                new Command("rpush", -3, (args, store, reply) -> push(args, store, reply, Store.End.TAIL)),
                new Command("lpop", -2, (args, store, reply) -> pop(args, store, reply, Store.End.HEAD, "lpop")),
                new Command("rpop", -2, (args, store, reply) -> pop(args, store, reply, Store.End.TAIL, "rpop")),
                new Command("llen", 2, (args, store, reply) -> reply.integer(store.length(args.key(1)))),
                new Command("lrange", 4, ListCommands::range));
    }

    private static void push(Arguments args, Store store, ReplyWriter reply, Store.End end) {
        List<byte[]> values = new ArrayList<>(args.count() - 2);
        for (int i = 2; i < args.count(); i++) {
            values.add(args.bytes(i));
        }
        reply.integer(store.push(args.key(1), end, values));
    }

    /** Without a count: one value or nil. With one: an array, or a nil array if there is no list. */
    private static void pop(Arguments args, Store store, ReplyWriter reply, Store.End end, String name) {
        if (args.count() > 3) {
            reply.error("ERR wrong number of arguments for '" + name + "' command");
            return;
        }
        boolean counted = args.count() == 3;
        long count = 1;
        if (counted) {
            try {
                count = args.integer(2);
            } catch (RespError e) {
                count = -1;
            }
            if (count < 0) {
                throw new RespError("ERR value is out of range, must be positive");
            }
        }
        List<byte[]> popped = store.pop(args.key(1), end, count);
        if (!counted) {
            reply.bulk(popped == null ? null : popped.getFirst());
        } else if (popped == null) {
            reply.nilArray();
        } else {
            reply.array(popped.size());
            popped.forEach(reply::bulk);
        }
    }

    private static void range(Arguments args, Store store, ReplyWriter reply) {
        List<byte[]> values = store.range(args.key(1), args.integer(2), args.integer(3));
        reply.array(values.size());
        values.forEach(reply::bulk);
    }
}
