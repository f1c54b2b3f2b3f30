package dev.turnstile.examples.resp;

import java.util.List;

/**
 * Commands about the connection and the server rather than keys: PING, ECHO, QUIT and CONFIG GET.
 * CONFIG GET answers only what clients ask at start ({@code redis-benchmark} asks {@code save}
 * and {@code appendonly}): this store keeps nothing on disk.
 */
final class ServerCommands {

    private ServerCommands() {
    }

    static List<Command> all() {
        return List.of(
                new Command("ping", -1, ServerCommands::ping),
                new Command("echo", 2, (args, store, reply) -> args.replyBulk(1, reply)),
                new Command("quit", -1, (args, store, reply) -> {
                    reply.ok();
                    reply.closeAfter();
                }),
                new Command("config", -2, ServerCommands::config));
    }

    private static void ping(Arguments args, Store store, ReplyWriter reply) {
        switch (args.count()) {
            case 1 -> reply.simple("PONG");
            case 2 -> args.replyBulk(1, reply);
            default -> reply.error("ERR wrong number of arguments for 'ping' command");
        }
    }

    private static void config(Arguments args, Store store, ReplyWriter reply) {
        if (!args.is(1, "GET")) {
            reply.error("ERR unknown subcommand '" + args.text(1) + "'. Try CONFIG HELP.");
            return;
        }
        if (args.count() < 3) {
            reply.error("ERR wrong number of arguments for 'config|get' command");
            return;
        }
        int found = 0;
        for (int i = 2; i < args.count(); i++) {
            if (args.is(i, "SAVE") || args.is(i, "APPENDONLY")) {
                found++;
            }
        }
        reply.array(found * 2);
        for (int i = 2; i < args.count(); i++) {
            if (args.is(i, "SAVE")) {
                reply.bulk("save".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                reply.bulk(new byte[0]);
            } else if (args.is(i, "APPENDONLY")) {
                reply.bulk("appendonly".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                reply.bulk("no".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
    }
}
