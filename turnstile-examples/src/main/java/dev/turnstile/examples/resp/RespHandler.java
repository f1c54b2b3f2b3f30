package dev.turnstile.examples.resp;

import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.ProtocolException;
import dev.turnstile.api.Replies;

import java.nio.ByteBuffer;

/**
 * One Redis client's connection: finds each request's command, checks its number of words, runs
 * it against the shared store and sends its reply, answering mistakes exactly as Redis does
 * ({@code -ERR unknown command 'foo', with args beginning with: 'a' }, {@code -ERR wrong number
 * of arguments for 'get' command}). A frame the framer cannot read is answered
 * {@code -ERR Protocol error: ...}, and then the connection closes, as in Redis.
 *
 * <p>Per connection, one thread at a time: its {@link Arguments} and {@link ReplyWriter} are
 * reused for every request, so a request allocates only the keys and values it stores.
 */
final class RespHandler implements MessageHandler {

    private static final int UNKNOWN_ARGS_SHOWN = 128; // Redis quotes arguments up to this many characters

    private final CommandTable commands;
    private final Store store;
    private final Arguments args = new Arguments();
    private final ReplyWriter reply = new ReplyWriter();

    RespHandler(CommandTable commands, Store store) {
        this.commands = commands;
        this.store = store;
    }

    @Override
    public void onMessage(ByteBuffer message, Replies replies) {
        args.readFrom(message);
        if (args.count() == 0) {
            return; // a line of spaces: nothing to run
        }
        Command command = commands.find(args);
        if (command == null) {
            reply.error(unknownCommand());
        } else if (!command.accepts(args.count())) {
            reply.error("ERR wrong number of arguments for '" + command.name() + "' command");
        } else {
            try {
                command.run(args, store, reply);
            } catch (RespError e) {
                reply.discard();
                reply.error(e.getMessage());
            }
        }
        if (reply.sendTo(replies)) {
            replies.closeAfterReplies();
        }
    }

    /** Redis' wording: the name, then the first arguments quoted, each followed by a space. */
    private String unknownCommand() {
        StringBuilder quoted = new StringBuilder();
        for (int i = 1; i < args.count() && quoted.length() < UNKNOWN_ARGS_SHOWN; i++) {
            String arg = args.text(i);
            quoted.append('\'').append(arg, 0, Math.min(arg.length(), UNKNOWN_ARGS_SHOWN - quoted.length()))
                    .append("' ");
        }
        String name = args.text(0);
        return "ERR unknown command '" + name.substring(0, Math.min(name.length(), 128))
                + "', with args beginning with: " + quoted;
    }

    @Override
    public void onProtocolError(ProtocolException error, Replies replies) {
        reply.discard();
        reply.error("ERR Protocol error: " + error.getMessage());
        reply.sendTo(replies);
    }
}
