package dev.turnstile.bench;

import dev.turnstile.loadgen.Json;
import dev.turnstile.loadgen.LoadResult;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one cell: measured (with the load's figures and the server's usage), skipped (with
 * the reason the plan gave), or failed (with what went wrong; figures too if the load got that far).
 *
 * @param load   the load generator's figures, or null if it produced none
 * @param server the server's usage, or null if the load never ran
 * @param client the load generator's own usage, or null if it never ran: a client near one core
 *               busy (its one selector thread) was what limited the cell, not the server
 * @param machineCores the whole machine's busy cores on average while the load ran (server, client
 *               and any other work): what is left after server and client is other work's noise
 * @param note   for SKIPPED and FAILED the reason; for MEASURED how the server stopped
 */
public record CellResult(Cell cell, Status status, String note, LoadResult load, ProcessUsage server,
                         ProcessUsage client, double machineCores) {

    /** What became of a cell. */
    public enum Status {
        MEASURED, SKIPPED, FAILED;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public CellResult {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(note, "note");
        if (status == Status.MEASURED && (load == null || server == null)) {
            throw new IllegalArgumentException("a measured cell needs load figures and server usage");
        }
    }

    static CellResult skipped(Cell cell, String reason) {
        return new CellResult(cell, Status.SKIPPED, reason, null, null, null, 0);
    }

    static CellResult failed(Cell cell, String reason, LoadResult load, ProcessUsage server, ProcessUsage client,
                             double machineCores) {
        return new CellResult(cell, Status.FAILED, reason, load, server, client, machineCores);
    }

    /** Measured with every reply right: the cell's figures can be compared. */
    public boolean clean() {
        return status == Status.MEASURED && load.ok();
    }

    /** Busy cores of work other than this cell's server and client while the load ran; 0 if not measured. */
    public double otherCores() {
        return server == null || client == null ? 0 : Math.max(0, machineCores - server.cores() - client.cores());
    }

    /** The cell as a results.json entry. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", cell.contender().name());
        m.put("workload", cell.workload().cliName());
        m.put("connections", cell.connections());
        m.put("round", cell.round());
        m.put("status", status.word());
        m.put("note", note);
        if (server != null) {
            m.put("server", server.toJson(cell.connections()));
        }
        if (client != null) {
            m.put("client", client.toJson(cell.connections()));
            m.put("machineCores", machineCores);
            m.put("otherCores", otherCores());
        }
        if (load != null) {
            m.put("load", Json.parse(load.toJson()));
        }
        return m;
    }
}
