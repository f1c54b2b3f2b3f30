package dev.turnstile.examples.chat;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.Connection;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.MessageTooLongException;
import dev.turnstile.api.ProtocolException;
import dev.turnstile.api.Replies;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * One connection's side of the chat: greets, then turns each line into a command or a line for
 * the others. The protocol, one line each way per message:
 *
 * <pre>
 *   on connect      → welcome NAME                 others: * NAME joined
 *   text            (nothing back)                  others: NAME: text
 *   /nick NEW       → you are NEW                  others: OLD is now NEW
 *                   → error: name taken
 *   /who            → members: a, b, c
 *   /quit           → bye, then the server closes   others: * NAME left
 *   a line too long → error: line too long ..., then the server closes
 * </pre>
 *
 * <p><b>Order.</b> The welcome goes out first: other members' lines sent during {@link #onOpen}
 * are queued behind it. Each member's lines reach every other member in the order sent, since one
 * member's calls run one at a time and a connection writes what it is sent in order.
 * <p><b>Thread-safety.</b> Confined: the server calls a handler from one thread at a time, so
 * {@code name} needs no lock. Other members reach this connection only through its
 * {@link Connection} handle, which is thread-safe.
 */
final class Member implements MessageHandler {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    private final Room room;
    private Connection connection; // set in onOpen
    private String name;           // null until onOpen

    Member(Room room) {
        this.room = room;
    }

    @Override
    public void onOpen(Connection connection) {
        this.connection = connection;
        name = room.enter(connection);
        connection.send("welcome " + name);
        room.broadcast("* " + name + " joined", connection);
    }

    @Override
    public void onMessage(ByteBuffer message, Replies replies) {
        String line = StandardCharsets.UTF_8.decode(message).toString();
        if (line.startsWith("/")) {
            command(line, replies);
        } else if (!line.isBlank()) {
            room.broadcast(name + ": " + line, connection);
        }
    }

    private void command(String line, Replies replies) {
        int space = line.indexOf(' ');
        String command = space < 0 ? line : line.substring(0, space);
        String argument = space < 0 ? "" : line.substring(space + 1).strip();
        switch (command) {
            case "/nick" -> rename(argument, replies);
            case "/who" -> replies.send("members: " + room.who());
            case "/quit" -> {
                replies.send("bye");
                replies.closeAfterReplies();
            }
            default -> replies.send("error: unknown command " + command + " (try /nick NAME, /who, /quit)");
        }
    }

    private void rename(String wanted, Replies replies) {
        if (!NAME.matcher(wanted).matches()) {
            replies.send("error: a name is 1 to 32 letters, digits, '-', '_' or '.'");
        } else if (wanted.equals(name)) {
            replies.send("you are " + name);
        } else if (!room.rename(connection, name, wanted)) {
            replies.send("error: name taken");
        } else {
            String old = name;
            name = wanted;
            replies.send("you are " + name);
            room.broadcast(old + " is now " + name, connection);
        }
    }

    @Override
    public void onProtocolError(ProtocolException error, Replies replies) {
        if (error instanceof MessageTooLongException tooLong) {
            replies.send("error: line too long (more than " + tooLong.maxMessageBytes() + " bytes)");
        } else {
            replies.send("error: " + error.getMessage());
        }
    }

    @Override
    public void onClose(CloseReason reason) {
        if (name != null) { // null: closed before it was let in
            room.leave(connection, name);
            room.broadcast("* " + name + " left", null);
        }
    }
}
