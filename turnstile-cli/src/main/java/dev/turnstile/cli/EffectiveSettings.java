package dev.turnstile.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Every setting of a parsed {@code serve} with its value and where the value came from, in the
 * order of the help's topics: what {@code --print-config} prints (in the config file's own
 * syntax, so the output can be edited into a file) and what a reload compares.
 *
 * <p>Immutable; safe from any thread.
 */
record EffectiveSettings(Map<String, Setting> settings) {

    /** One option's value as text ({@code null} when unset) and its origin. */
    record Setting(String key, String value, SettingSources.Source source, String where) {
    }

    EffectiveSettings {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** The settings of {@code command} as picocli left them after {@code parse}, with their origins from {@code sources}. */
    static EffectiveSettings of(CommandSpec command, SettingSources sources, ParseResult parse) {
        List<OptionSpec> ordered = new ArrayList<>();
        for (List<String> names : OptionTopics.TOPICS.values()) {
            for (String name : names) {
                OptionSpec o = command.findOption(name);
                if (o != null) {
                    ordered.add(o);
                }
            }
        }
        for (OptionSpec o : command.options()) {
            if (!ordered.contains(o)) {
                ordered.add(o);
            }
        }
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (OptionSpec o : ordered) {
            String key = SettingSources.key(o);
            if (SettingSources.NOT_SETTINGS.contains(key)) {
                continue;
            }
            SettingSources.Supplied origin = sources.origin(o, parse);
            settings.put(key, new Setting(key, format(o.getValue()), origin.source(), origin.where()));
        }
        return new EffectiveSettings(settings);
    }

    /** A value as it would be written in the file: durations as {@code 2m}/{@code 30s}/{@code 250ms}, lists with commas. */
    static String format(Object value) {
        return switch (value) {
            case null -> null;
            case Duration d -> formatDuration(d);
            case Enum<?> e -> e.name().toLowerCase(Locale.ROOT);
            case Collection<?> c -> c.isEmpty() ? null : c.stream().map(EffectiveSettings::format).collect(Collectors.joining(","));
            default -> value.toString();
        };
    }

    private static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }

    /** One line per setting: {@code key = value  # origin}; an unset one commented out. */
    void print(PrintStream out) {
        out.println("# turnstile serve: effective settings (command line > environment > config file > default)");
        int width = settings.values().stream().mapToInt(s -> s.key().length() + 3
                + (s.value() == null ? 2 : s.value().length())).max().orElse(0);
        for (Setting s : settings.values()) {
            String line = s.value() == null ? "# " + s.key() + " =" : s.key() + " = " + s.value();
            out.println(String.format("%-" + Math.min(width, 60) + "s  # %s", line,
                    s.value() == null ? "unset (default)" : s.where()));
        }
    }

    /** The settings whose value differs in {@code other}: key → [old, new] text. */
    Map<String, List<String>> changesTo(EffectiveSettings other) {
        Map<String, List<String>> changed = new LinkedHashMap<>();
        for (Setting s : settings.values()) {
            Setting o = other.settings.get(s.key());
            String newValue = o == null ? null : o.value();
            if (!Objects.equals(s.value(), newValue)) {
                changed.put(s.key(), java.util.Arrays.asList(s.value(), newValue));
            }
        }
        return changed;
    }
}
