package dev.turnstile.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@code serve} configuration file as read once: {@code key = value} lines whose keys are the
 * long option names without their dashes ({@code max-connections = 100}); blank lines and lines
 * starting with {@code #} are skipped, and so is a trailing comment (a {@code #} after a space or
 * tab, as {@code --print-config} writes them); a value is trimmed, with no quoting (a {@code #}
 * not after a space stays in the value). A key given twice, or a line without {@code =}, is
 * refused with the file and line number.
 *
 * <p>Immutable once read; safe from any thread.
 */
record ConfigFile(Path path, Map<String, Entry> entries) {

    /** One setting and the line it came from, for messages. */
    record Entry(String key, String value, int line) {
    }

    private static final Pattern TRAILING_COMMENT = Pattern.compile("(^|[ \\t])#.*$");

    ConfigFile {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** Reads and checks the syntax of {@code path}; a missing or unreadable file is an IllegalArgumentException naming it. */
    static ConfigFile read(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + path + ": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(path + " line " + (i + 1) + ": expected 'key = value', got '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            String value = TRAILING_COMMENT.matcher(line.substring(eq + 1)).replaceFirst("").strip();
            if (key.startsWith("--")) {
                key = key.substring(2);
            }
            Entry previous = entries.put(key, new Entry(key, value, i + 1));
            if (previous != null) {
                throw new IllegalArgumentException(path + " line " + (i + 1) + ": '" + key + "' is already set on line "
                        + previous.line());
            }
        }
        return new ConfigFile(path, entries);
    }

    /** Where an entry came from, for messages: {@code /etc/turnstile.conf line 3}. */
    String where(Entry e) {
        return path + " line " + e.line();
    }
}
