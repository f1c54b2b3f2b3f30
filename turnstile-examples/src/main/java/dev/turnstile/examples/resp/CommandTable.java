package dev.turnstile.examples.resp;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds a command by the first word of a request, in any case, without allocating: commands are
 * kept by their initial, and the few sharing it are compared byte by byte. Immutable after
 * construction; shared by every connection.
 */
final class CommandTable {

    private final Command[][] byInitial = new Command[26][];

    CommandTable(List<List<Command>> groups) {
        List<List<Command>> buckets = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            buckets.add(new ArrayList<>());
        }
        for (List<Command> group : groups) {
            for (Command command : group) {
                buckets.get(Character.toUpperCase(command.name().charAt(0)) - 'A').add(command);
            }
        }
        for (int i = 0; i < 26; i++) {
            byInitial[i] = buckets.get(i).toArray(Command[]::new);
        }
    }

    /** The table of every command this example serves. */
    static CommandTable standard() {
        return new CommandTable(List.of(ServerCommands.all(), KeyCommands.all(), StringCommands.all(),
                ListCommands.all()));
    }

    /** The command named by the first word of {@code args}, or null. */
    Command find(Arguments args) {
        int initial = args.initial(0);
        if (initial < 'A' || initial > 'Z') {
            return null;
        }
        for (Command command : byInitial[initial - 'A']) {
            if (command.isNamedBy(args, 0)) {
                return command;
            }
        }
        return null;
    }
}
