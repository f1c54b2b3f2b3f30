package dev.turnstile.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status picture in a terminal, drawn from a parsed {@code /status.json}: the server line,
 * the totals, the scoreboard (one key per worker, after Apache's server-status), a row per
 * worker, the open connections and the latest pool events. Any model: the JSON is the same.
 *
 * <p>Stateless and thread-safe.
 */
final class TerminalStatus {

    /** At most this many open connections and pool events are printed; the totals say how many there are. */
    static final int ROWS = 20;
    private static final Map<String, Character> KEYS = keys();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private TerminalStatus() {
    }

    private static Map<String, Character> keys() {
        Map<String, Character> k = new LinkedHashMap<>();
        k.put("idle", '_');
        k.put("reading", 'R');
        k.put("handling", 'H');
        k.put("writing", 'W');
        k.put("closing", 'C');
        k.put("starting", 'S');
        k.put("retiring", 'G');
        return k;
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> doc) {
        Map<String, Object> server = (Map<String, Object>) doc.get("server");
        Map<String, Object> totals = (Map<String, Object>) doc.get("totals");
        List<Map<String, Object>> workers = (List<Map<String, Object>>) doc.get("workers");
        List<Map<String, Object>> connections = (List<Map<String, Object>>) doc.get("connections");
        List<Map<String, Object>> events = (List<Map<String, Object>>) doc.get("poolEvents");
        StringBuilder page = new StringBuilder();
        page.append(String.format("turnstile %s on %s, pid %d, up %s%n", server.get("model"), server.get("listen"),
                number(server.get("pid")), age(Math.round(((Number) server.get("uptimeSeconds")).doubleValue() * 1000))));
        page.append(String.format("%d open (peak %d), %d accepted, %d closed, %d rejected; %d messages; in %s, out %s%s%n",
                number(totals.get("open")), number(totals.get("peakOpen")), number(totals.get("accepted")),
                number(totals.get("closed")), number(totals.get("rejected")), number(totals.get("messages")),
                bytes(number(totals.get("bytesIn"))), bytes(number(totals.get("bytesOut"))),
                totals.get("poolSize") == null ? "" : "; pool size " + number(totals.get("poolSize"))));
        List<String> closes = new ArrayList<>();
        ((Map<String, Object>) totals.get("closeReasons")).forEach((reason, n) -> {
            if (number(n) > 0) {
                closes.add(reason.replace('_', ' ') + " " + number(n));
            }
        });
        if (!closes.isEmpty()) {
            page.append("Closes: ").append(String.join(", ", closes)).append('\n');
        }
        List<String> hits = new ArrayList<>();
        ((Map<String, Object>) totals.get("limitHits")).forEach((limit, n) -> {
            if (number(n) > 0) {
                hits.add(limit.replace('_', '-') + " " + number(n));
            }
        });
        if (!hits.isEmpty()) {
            page.append("Limits hit: ").append(String.join(", ", hits)).append('\n');
        }

        StringBuilder board = new StringBuilder();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map<String, Object> w : workers) {
            String state = (String) w.get("state");
            board.append(KEYS.getOrDefault(state, '?'));
            counts.merge(state, 1, Integer::sum);
        }
        page.append("\nScoreboard: ").append(board).append('\n');
        List<String> key = new ArrayList<>();
        KEYS.forEach((state, k) -> key.add("\"" + k + "\" " + state + (counts.containsKey(state) ? " (" + counts.get(state) + ")" : "")));
        page.append("Key: ").append(String.join(", ", key)).append("\n\n");
        page.append(String.format("%-16s %-15s %-9s %5s %11s %11s%n", "Worker", "Kind", "State", "Open", "Connections", "Messages"));
        for (Map<String, Object> w : workers) {
            page.append(String.format("%-16s %-15s %-9s %5d %11d %11d%n", w.get("name"), w.get("kind"), w.get("state"),
                    number(w.get("open")), number(w.get("connections")), number(w.get("messages"))));
        }

        long listed = number(doc.get("connectionsListed"));
        long open = number(doc.get("connectionsOpen"));
        page.append(String.format("%nOpen connections: %d%s%n", open,
                open > Math.min(listed, ROWS) ? " (the oldest " + Math.min(listed, ROWS) + " shown)" : ""));
        if (!connections.isEmpty()) {
            page.append(String.format("%6s %-22s %-16s %10s %9s %9s %9s  %s%n", "ID", "Peer", "Worker", "Age", "Messages",
                    "In", "Out", "State"));
            for (Map<String, Object> c : connections.subList(0, Math.min(ROWS, connections.size()))) {
                page.append(String.format("%6d %-22s %-16s %10s %9d %9s %9s  %s%n", number(c.get("id")), c.get("peer"),
                        c.get("worker"), age(number(c.get("ageMillis"))), number(c.get("messages")),
                        bytes(number(c.get("bytesIn"))), bytes(number(c.get("bytesOut"))), c.get("state")));
            }
        }
        if (!events.isEmpty()) {
            page.append(String.format("%nPool events (the last %d of %d kept):%n", Math.min(ROWS, events.size()), events.size()));
            for (Map<String, Object> e : events.subList(Math.max(0, events.size() - ROWS), events.size())) {
                page.append(String.format("  %s  size %3d  %s%n", CLOCK.format(Instant.parse((String) e.get("at"))),
                        number(e.get("size")), e.get("reason")));
            }
        }
        return page.toString();
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static String age(long millis) {
        Duration d = Duration.ofMillis(millis);
        if (d.toSeconds() < 60) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        if (d.toMinutes() < 60) {
            return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        }
        return d.toHours() + " h " + d.toMinutesPart() + " min";
    }

    private static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = -1;
        do {
            v /= 1024;
            i++;
        } while (v >= 1024 && i < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
