package dev.turnstile.model.process;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code exec} option's command line, one string in {@link dev.turnstile.api.ModelOptions}:
 * words split as a POSIX shell splits them, with 'single quotes', "double quotes" (in which
 * backslash escapes only {@code \ " $ `}) and backslash escapes, but no expansion of any kind.
 * {@link #join} quotes a word list back so that {@link #split} returns it unchanged; the CLI uses
 * it to pass {@code --exec CMD ARGS...}. Stateless.
 */
public final class ExecCommand {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ExecCommand() {
    }

    /**
     * Splits {@code line} into words.
     *
     * @throws IllegalArgumentException naming {@code exec} if a quote is not closed or nothing is given
     */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("exec: unclosed ' in: " + line);
                }
                word.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                i = doubleQuoted(line, i + 1, word);
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("exec needs a command (got nothing)");
        }
        return words;
    }

    /** Reads a double-quoted part starting after the quote; returns the index of the closing quote. */
    private static int doubleQuoted(String line, int from, StringBuilder word) {
        for (int i = from; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\' && i + 1 < line.length() && "\\\"$`".indexOf(line.charAt(i + 1)) >= 0) {
                c = line.charAt(++i);
            }
            word.append(c);
        }
        throw new IllegalArgumentException("exec: unclosed \" in: " + line);
    }

    /** Quotes {@code words} into one line that {@link #split} turns back into them. */
    public static String join(List<String> words) {
        List<String> quoted = new ArrayList<>();
        for (String w : words) {
            quoted.add(PLAIN.matcher(w).matches() ? w : "'" + w.replace("'", "'\\''") + "'");
        }
        return String.join(" ", quoted);
    }
}
