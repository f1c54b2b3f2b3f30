package dev.turnstile.admin;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.PoolEvent;
import dev.turnstile.api.StatsSnapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The document {@code /status.json} serves, one object:
 *
 * <pre>
 * server      {model, settings{name: value}, listen, pid, startedAt, uptimeSeconds}
 * totals      {accepted, open, peakOpen, closed, rejected, messages, bytesIn, bytesOut,
 *              closeReasons{reason: count}, limitHits{limit: count}, poolSize (null: no pool)}
 * workers     [{name, kind, state, connections, messages, open}]
 * connections [{id, peer, worker, ageMillis, messages, bytesIn, bytesOut, state}]  oldest first
 * connectionsListed, connectionsOpen   how many are listed (at most 500) and open in all
 * poolEvents  [{at, size, reason}]  oldest first, the last 256
 * sampledAt   when the snapshot was taken
 * </pre>
 *
 * Times are ISO-8601 instants in UTC; states, kinds, close reasons and limits are lower-case
 * words ({@code reading}, {@code virtual-thread}, {@code peer_closed}, {@code max_connections}).
 * Every close reason and limit is present, zero or not, so a reader can rely on the keys.
 */
final class StatusJson {

    private StatusJson() {
    }

    static String write(ServerFacts facts, StatsSnapshot s, Instant now) {
        JsonWriter json = new JsonWriter().beginObject();
        json.name("server").beginObject()
                .field("model", facts.model())
                .name("settings").beginObject();
        for (Map.Entry<String, String> e : facts.settings().entrySet()) {
            json.field(e.getKey(), e.getValue());
        }
        json.endObject()
                .field("listen", facts.listen())
                .field("pid", facts.pid())
                .field("startedAt", facts.startedAt().toString())
                .field("uptimeSeconds", Duration.between(facts.startedAt(), now).toMillis() / 1000.0)
                .endObject();

        json.name("totals").beginObject()
                .field("accepted", s.accepted())
                .field("open", s.active())
                .field("peakOpen", s.peakActive())
                .field("closed", s.closed())
                .field("rejected", s.rejected())
                .field("messages", s.messages())
                .field("bytesIn", s.bytesIn())
                .field("bytesOut", s.bytesOut())
                .name("closeReasons").beginObject();
        for (CloseReason r : CloseReason.values()) {
            json.field(r.name().toLowerCase(Locale.ROOT), s.closedFor(r));
        }
        json.endObject().name("limitHits").beginObject();
        for (ConnectionLimit l : ConnectionLimit.values()) {
            json.field(l.name().toLowerCase(Locale.ROOT), s.hitsOf(l));
        }
        json.endObject().name("poolSize");
        if (s.poolSize() < 0) {
            json.value((String) null);
        } else {
            json.value(s.poolSize());
        }
        json.endObject();

        json.name("workers").beginArray();
        for (StatsSnapshot.Worker w : s.workers()) {
            json.beginObject()
                    .field("name", w.name())
                    .field("kind", w.kind().label())
                    .field("state", w.state().label())
                    .field("connections", w.connections())
                    .field("messages", w.messages())
                    .field("open", w.active())
                    .endObject();
        }
        json.endArray();

        json.name("connections").beginArray();
        for (StatsSnapshot.Connection c : s.connections()) {
            json.beginObject()
                    .field("id", c.id())
                    .field("peer", c.peer())
                    .field("worker", c.worker())
                    .field("ageMillis", Math.max(0, Duration.between(c.openedAt(), now).toMillis()))
                    .field("messages", c.messages())
                    .field("bytesIn", c.bytesIn())
                    .field("bytesOut", c.bytesOut())
                    .field("state", c.state().label())
                    .endObject();
        }
        json.endArray()
                .field("connectionsListed", s.connections().size())
                .field("connectionsOpen", Math.max(s.active(), s.connections().size()));

        json.name("poolEvents").beginArray();
        for (PoolEvent e : s.poolEvents()) {
            json.beginObject()
                    .field("at", e.at().toString())
                    .field("size", e.size())
                    .field("reason", e.reason())
                    .endObject();
        }
        json.endArray()
                .field("sampledAt", now.toString())
                .endObject();
        return json.toString();
    }
}
