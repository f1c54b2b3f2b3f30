package dev.turnstile.model.process;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Shared table of worker slots in a memory-mapped file, mapped into the master and every worker
 * process, so the master (and {@code turnstile status}) can see who is alive, busy and how much
 * each has served without talking to them: the notes' "shared data should be on shared memory".
 *
 * <p><b>Layout.</b> A 256-byte header (magic, slot count, master pid, port, model, start time),
 * then one 4 KiB slot per worker: pid, {@link State}, spawn and heartbeat times, last activity,
 * counters (connections, active, messages, bytes, closes by reason), the current peer, the
 * master's stop request, a short note (why a worker could not boot), and a ring of the last 64
 * connection events, which is how the master learns each connection's peer and close reason.
 *
 * <p><b>Ownership.</b> The worker holding slot i writes it, except that the master writes pid,
 * {@link State#STARTING} and the spawn time before spawning, the stop request while the worker
 * runs, and {@link State#FREE} after reaping it. States: FREE → STARTING → IDLE ⇄ BUSY →
 * STOPPING → FREE. A slot is reused only after its worker was reaped, so a dead worker cannot
 * scribble on its successor's slot.
 *
 * <p><b>Thread-safety.</b> Every field is one aligned 64-bit word written with release and read
 * with acquire semantics ({@link VarHandle} on the mapped buffer), by one writer each. The event
 * ring has one writer process; a worker with several threads serialises its own writes. There
 * is no lock in shared memory, because a killed process could leave it held.
 */
public final class Scoreboard {

    /** A worker slot's state. */
    public enum State {
        FREE('.'), STARTING('S'), IDLE('_'), BUSY('W'), STOPPING('G');

        private final char key;

        State(char key) {
            this.key = key;
        }

        /** Apache's server-status key: {@code _} idle, {@code W} busy, {@code S} starting, {@code G} stopping, {@code .} free. */
        public char key() {
            return key;
        }

        static State of(long ordinal) {
            State[] all = values();
            return ordinal >= 0 && ordinal < all.length ? all[(int) ordinal] : FREE;
        }
    }

    private static final long MAGIC = 0x31445242_4C545354L; // "TSTLBRD1" little-endian
    private static final int VERSION = 1;
    static final int HEADER_BYTES = 256;
    static final int SLOT_BYTES = 4096;
    public static final int RING_EVENTS = 64;
    static final int EVENT_BYTES = 48;
    private static final int NOTE_BYTES = 800;
    private static final int MODEL_BYTES = 32;

    // header offsets
    private static final int H_MAGIC = 0, H_VERSION = 8, H_SLOTS = 12, H_MASTER_PID = 16, H_STARTED = 24, H_PORT = 32,
            H_THREADS = 36, H_MODEL = 40;
    // slot offsets (each a long unless noted)
    private static final int S_PID = 0, S_STATE = 8, S_SPAWNED = 16, S_HEARTBEAT = 24, S_ACTIVITY = 32,
            S_CONNECTIONS = 40, S_ACTIVE = 48, S_MESSAGES = 56, S_BYTES_IN = 64, S_BYTES_OUT = 72, S_STOP_BY = 80,
            S_DRAINED = 88, S_FORCED = 96, S_GENERATION = 104, S_EVENT_HEAD = 112, S_CLOSED_BY = 120,
            S_PEER_PORT = 184, S_PEER_IP_HI = 192, S_PEER_IP_LO = 200, S_NOTE_LENGTH = 208, S_NOTE = 216,
            S_RING = 1024; // 64 events of 48 bytes fill the slot's 4 KiB
    /** Close reasons counted per slot; {@link dev.turnstile.api.CloseReason} has 8. */
    public static final int CLOSE_REASONS = 8;

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Path file;       // null for an in-memory scoreboard
    private final ByteBuffer buffer;
    private final int slots;

    private Scoreboard(Path file, ByteBuffer buffer, int slots) {
        this.file = file;
        this.buffer = buffer;
        this.slots = slots;
    }

    /**
     * Where the scoreboard of the server on {@code port} lives: /dev/shm when there is one
     * (memory, never written to disk), else the temporary directory.
     */
    public static Path fileFor(int port) {
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return dir.resolve("turnstile-" + port + ".scoreboard");
    }

    /** Creates (or replaces) the file with {@code slots} free slots; the master does this once. */
    public static Scoreboard create(Path file, int slots, long masterPid, int port, String model, int threadsPerWorker)
            throws IOException {
        if (slots < 1 || slots > 4096) {
            throw new IllegalArgumentException("scoreboard slots must be between 1 and 4096 (got " + slots + ")");
        }
        long size = HEADER_BYTES + (long) slots * SLOT_BYTES;
        Path temporary = file.resolveSibling(file.getFileName() + "." + masterPid + ".tmp");
        ByteBuffer buffer;
        try (FileChannel ch = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            buffer = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
        }
        Scoreboard board = new Scoreboard(file, buffer, slots);
        board.writeHeader(slots, masterPid, port, model, threadsPerWorker);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return board;
    }

    /**
     * Maps an existing scoreboard: a worker its master's, {@code turnstile status} any.
     *
     * @throws IOException if the file is missing or is not a scoreboard of this version
     */
    public static Scoreboard open(Path file, boolean writable) throws IOException {
        ByteBuffer buffer;
        try (FileChannel ch = writable ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < HEADER_BYTES) {
                throw new IOException(file + " is not a turnstile scoreboard (too short)");
            }
            buffer = ch.map(writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        if ((long) LONG.getAcquire(buffer, H_MAGIC) != MAGIC || buffer.getInt(H_VERSION) != VERSION) {
            throw new IOException(file + " is not a turnstile scoreboard of version " + VERSION);
        }
        int slots = buffer.getInt(H_SLOTS);
        if (buffer.capacity() < HEADER_BYTES + (long) slots * SLOT_BYTES) {
            throw new IOException(file + " is truncated");
        }
        return new Scoreboard(file, buffer, slots);
    }

    /** A scoreboard in memory, not shared with any process: for tests of the masters. */
    public static Scoreboard inMemoryForTest(int slots) {
        return inMemory(slots, "test");
    }

    static Scoreboard inMemory(int slots, String model) {
        Scoreboard board = new Scoreboard(null, ByteBuffer.allocateDirect(HEADER_BYTES + slots * SLOT_BYTES), slots);
        board.writeHeader(slots, ProcessHandle.current().pid(), 0, model, 1);
        return board;
    }

    private void writeHeader(int slotCount, long masterPid, int port, String model, int threadsPerWorker) {
        buffer.putInt(H_VERSION, VERSION);
        buffer.putInt(H_SLOTS, slotCount);
        put(H_MASTER_PID, masterPid);
        put(H_STARTED, System.currentTimeMillis());
        buffer.putInt(H_PORT, port);
        buffer.putInt(H_THREADS, threadsPerWorker);
        byte[] name = model.getBytes(StandardCharsets.US_ASCII);
        buffer.put(H_MODEL, name, 0, Math.min(name.length, MODEL_BYTES - 1));
        put(H_MAGIC, MAGIC); // last: a reader that sees the magic sees a whole header
    }

    public Path file() {
        return file;
    }

    public int slots() {
        return slots;
    }

    public long masterPid() {
        return get(H_MASTER_PID);
    }

    public Instant started() {
        return Instant.ofEpochMilli(get(H_STARTED));
    }

    public int port() {
        return buffer.getInt(H_PORT);
    }

    public int threadsPerWorker() {
        return buffer.getInt(H_THREADS);
    }

    public String model() {
        byte[] name = new byte[MODEL_BYTES];
        buffer.get(H_MODEL, name);
        int n = 0;
        while (n < name.length && name[n] != 0) {
            n++;
        }
        return new String(name, 0, n, StandardCharsets.US_ASCII);
    }

    /** Slot {@code i}, a view with accessors; cheap, no allocation of its own state. */
    public Slot slot(int i) {
        if (i < 0 || i >= slots) {
            throw new IndexOutOfBoundsException("slot " + i + " of " + slots);
        }
        return new Slot(HEADER_BYTES + i * SLOT_BYTES, i);
    }

    /** Removes the file; mappings stay valid until dropped. */
    public void delete() {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale file in /dev/shm: the next master on this port replaces it
        }
    }

    private long get(int offset) {
        return (long) LONG.getAcquire(buffer, offset);
    }

    private void put(int offset, long value) {
        LONG.setRelease(buffer, offset, value);
    }

    /**
     * One worker's slot. Accessors read with acquire semantics; setters write with release
     * semantics. Who may call which setter is in the class comment of {@link Scoreboard}.
     */
    public final class Slot {
        private final int base;
        private final int index;

        private Slot(int base, int index) {
            this.base = base;
            this.index = index;
        }

        public int index() {
            return index;
        }

        /** The scoreboard this slot belongs to. */
        public Scoreboard board() {
            return Scoreboard.this;
        }

        public long pid() {
            return get(base + S_PID);
        }

        public State state() {
            return State.of(get(base + S_STATE));
        }

        public Instant spawned() {
            return Instant.ofEpochMilli(get(base + S_SPAWNED));
        }

        public long heartbeatMillis() {
            return get(base + S_HEARTBEAT);
        }

        public long lastActivityMillis() {
            return get(base + S_ACTIVITY);
        }

        public long connections() {
            return get(base + S_CONNECTIONS);
        }

        public long active() {
            return get(base + S_ACTIVE);
        }

        public long messages() {
            return get(base + S_MESSAGES);
        }

        public long bytesIn() {
            return get(base + S_BYTES_IN);
        }

        public long bytesOut() {
            return get(base + S_BYTES_OUT);
        }

        /** The master's stop request: finish by this time (epoch ms); 0 when none. */
        public long stopByMillis() {
            return get(base + S_STOP_BY);
        }

        public long drained() {
            return get(base + S_DRAINED);
        }

        public long forced() {
            return get(base + S_FORCED);
        }

        public long generation() {
            return get(base + S_GENERATION);
        }

        public long closedBy(int reasonOrdinal) {
            return get(base + S_CLOSED_BY + 8 * reasonOrdinal);
        }

        /** The peer of the connection in hand (or the last one), or null. */
        public InetSocketAddress peer() {
            long port = get(base + S_PEER_PORT);
            if (port <= 0) {
                return null;
            }
            return new InetSocketAddress(address(get(base + S_PEER_IP_HI), get(base + S_PEER_IP_LO)), (int) port);
        }

        /** The worker's note, such as why it could not boot; empty if none. */
        public String note() {
            int n = (int) Math.min(NOTE_BYTES, Math.max(0, get(base + S_NOTE_LENGTH)));
            byte[] b = new byte[n];
            buffer.get(base + S_NOTE, b);
            return new String(b, StandardCharsets.UTF_8);
        }

        // ---- master: spawn, stop request, free

        /** Master, before spawning: a new generation in this slot, STARTING, counters zeroed. */
        public void prepareForSpawn(long now) {
            for (int off = S_PID; off < S_RING; off += 8) {
                if (off != S_GENERATION) {
                    put(base + off, 0);
                }
            }
            put(base + S_SPAWNED, now);
            put(base + S_HEARTBEAT, now);
            put(base + S_GENERATION, generation() + 1);
            put(base + S_STATE, State.STARTING.ordinal());
        }

        /** Master, right after spawning. */
        public void spawned(long pid) {
            put(base + S_PID, pid);
        }

        /** Master: asks the worker to stop accepting and finish by {@code deadlineMillis}. */
        public void requestStop(long deadlineMillis) {
            put(base + S_STOP_BY, Math.max(1, deadlineMillis));
        }

        /** Master, after reaping: the slot may be reused. */
        public void free() {
            put(base + S_PID, 0);
            put(base + S_STATE, State.FREE.ordinal());
        }

        // ---- worker

        public void state(State s) {
            put(base + S_STATE, s.ordinal());
        }

        public void heartbeat(long now) {
            put(base + S_HEARTBEAT, now);
        }

        /** Worker: copies its own counters in (one writer: the worker's heartbeat or its last flush). */
        public void counters(long connections, long active, long messages, long bytesIn, long bytesOut) {
            put(base + S_CONNECTIONS, connections);
            put(base + S_ACTIVE, active);
            put(base + S_MESSAGES, messages);
            put(base + S_BYTES_IN, bytesIn);
            put(base + S_BYTES_OUT, bytesOut);
        }

        public void activity(long now) {
            put(base + S_ACTIVITY, now);
        }

        public void closedBy(int reasonOrdinal, long count) {
            put(base + S_CLOSED_BY + 8 * reasonOrdinal, count);
        }

        public void peer(InetSocketAddress peer) {
            byte[] ip = ipv6Bytes(peer.getAddress());
            put(base + S_PEER_IP_HI, ByteBuffer.wrap(ip, 0, 8).getLong());
            put(base + S_PEER_IP_LO, ByteBuffer.wrap(ip, 8, 8).getLong());
            put(base + S_PEER_PORT, peer.getPort());
        }

        public void stopped(long drained, long forced) {
            put(base + S_DRAINED, drained);
            put(base + S_FORCED, forced);
        }

        public void note(String text) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(b.length, NOTE_BYTES);
            buffer.put(base + S_NOTE, b, 0, n);
            put(base + S_NOTE_LENGTH, n);
        }

        // ---- the event ring: one producer process, one consumer (the master)

        /** How many events were ever appended; the ring holds the last {@link #RING_EVENTS}. */
        public long eventHead() {
            return get(base + S_EVENT_HEAD);
        }

        /** Worker: appends one event. The caller serialises appends of its own threads. */
        public void appendEvent(ConnectionEvent e) {
            long head = get(base + S_EVENT_HEAD);
            int at = base + S_RING + (int) (head % RING_EVENTS) * EVENT_BYTES;
            byte[] ip = ipv6Bytes(e.peer().getAddress());
            put(at, (long) e.kind().ordinal() | ((long) e.reasonOrdinal() << 8) | ((long) e.peer().getPort() << 32));
            put(at + 8, e.id());
            put(at + 16, ByteBuffer.wrap(ip, 0, 8).getLong());
            put(at + 24, ByteBuffer.wrap(ip, 8, 8).getLong());
            put(at + 32, e.atMillis());
            put(base + S_EVENT_HEAD, head + 1); // publishes the event
        }

        /** Master: event number {@code n} (head - RING_EVENTS <= n < head); check {@link #eventHead} after, for overwrites. */
        public ConnectionEvent event(long n) {
            int at = base + S_RING + (int) (n % RING_EVENTS) * EVENT_BYTES;
            long word = get(at);
            InetAddress ip = address(get(at + 16), get(at + 24));
            return new ConnectionEvent(ConnectionEvent.Kind.of((int) (word & 0xff)), (int) ((word >>> 8) & 0xff),
                    get(at + 8), new InetSocketAddress(ip, (int) (word >>> 32)), get(at + 32));
        }
    }

    private static byte[] ipv6Bytes(InetAddress a) {
        byte[] raw = a.getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] mapped = new byte[16]; // ::ffff:a.b.c.d
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }

    private static InetAddress address(long hi, long lo) {
        byte[] b = ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
        try {
            return InetAddress.getByAddress(b); // an IPv4-mapped address comes back as Inet4Address
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
