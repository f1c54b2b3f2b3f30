package dev.turnstile.model.process;

import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ConnectionLimits;

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
 * <p><b>Layout.</b> A 256-byte header (magic, slot count, master pid, port, model, start time,
 * the server's {@link ConnectionLimits}, the clock origin, the event sequence, and the in-process
 * model a pool's workers run with the connections each holds before it counts as busy), then one 25 KiB
 * slot per worker: pid, {@link State}, spawn and heartbeat times, last activity, counters
 * (connections, active, messages, bytes, closes by reason), the current peer, the master's stop
 * request, a short note (why a worker could not boot), the worker's share of the connection
 * limits (permits, open connections, ceiling touches, refusals by limit and the last refused
 * peer), and a ring of the last 512 connection events, which is how the master learns each
 * connection's peer and close reason (the master reads it every 50 ms, so a worker would have to
 * open and close over 5,000 connections a second, or the master stall, for events to be lost). After the slots: {@code threadsPerWorker} holds per slot
 * (the source of each connection a worker holds, for {@code --max-connections-per-ip}), then
 * {@value #RATE_BUCKETS} accept-rate buckets shared by all workers (see {@link #rateBucket}).
 *
 * <p><b>Ownership.</b> The worker holding slot i writes it, except that the master writes pid,
 * {@link State#STARTING} and the spawn time before spawning, the stop request while the worker
 * runs, and {@link State#FREE} after reaping it. States: FREE → STARTING → IDLE ⇄ BUSY →
 * STOPPING → FREE. A slot is reused only after its worker was reaped, so a dead worker cannot
 * scribble on its successor's slot. A slot's limit words and holds are its worker's, and the
 * master zeroes them when it frees the slot, so what a killed worker held goes back with it. The
 * rate buckets belong to no one: every worker updates them by compare-and-set.
 *
 * <p><b>Thread-safety.</b> Every field is one aligned 64-bit word written with release and read
 * with acquire semantics ({@link VarHandle} on the mapped buffer), by one writer each. The event
 * ring has one writer process; a worker with several threads serialises its own writes. The limit
 * words, the holds, the rate buckets and the event sequence are changed by atomic add or
 * compare-and-set (volatile, so sequentially consistent across processes: the CPU's atomics work
 * on shared memory as on any other). There is no lock in shared memory, because a killed process
 * could leave it held.
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
    private static final int VERSION = 3;
    static final int HEADER_BYTES = 256;
    public static final int RING_EVENTS = 512;
    static final int EVENT_BYTES = 48;
    private static final int NOTE_BYTES = 480; // S_NOTE + NOTE_BYTES <= S_PERMITS
    private static final int MODEL_BYTES = 32;

    // header offsets
    private static final int H_MAGIC = 0, H_VERSION = 8, H_SLOTS = 12, H_MASTER_PID = 16, H_STARTED = 24, H_PORT = 32,
            H_THREADS = 36, H_MODEL = 40, H_MAX_CONNECTIONS = 72, H_MAX_PER_IP = 76, H_MAX_ACCEPT_RATE = 80,
            H_CLOCK_ORIGIN = 88, H_EVENT_SEQUENCE = 96, H_WORKER_CAPACITY = 104, H_WORKER_MODEL = 112;
    // slot offsets (each a long unless noted)
    private static final int S_PID = 0, S_STATE = 8, S_SPAWNED = 16, S_HEARTBEAT = 24, S_ACTIVITY = 32,
            S_CONNECTIONS = 40, S_ACTIVE = 48, S_MESSAGES = 56, S_BYTES_IN = 64, S_BYTES_OUT = 72, S_STOP_BY = 80,
            S_DRAINED = 88, S_FORCED = 96, S_GENERATION = 104, S_EVENT_HEAD = 112, S_CLOSED_BY = 120,
            S_PEER_PORT = 248, S_PEER_IP_HI = 256, S_PEER_IP_LO = 264, S_NOTE_LENGTH = 272, S_NOTE = 280,
            S_PERMITS = 768, S_OPEN = 776, S_CEILING_TOUCHES = 784, S_REFUSED_BY = 792, // 3 words, by ConnectionLimit
            S_REFUSED_PORT = 816, S_REFUSED_IP_HI = 824, S_REFUSED_IP_LO = 832,
            S_PHASE = 840, // the worker's WorkerState ordinal + 1 at its last report; 0: none yet
            S_RING = 1024; // then RING_EVENTS events of 48 bytes end the slot
    static final int SLOT_BYTES = S_RING + RING_EVENTS * EVENT_BYTES;
    /** In an event: the server-wide sequence number, after the event's five words. */
    private static final int E_SEQUENCE = 40;
    /** Accept-rate buckets shared by the workers: a power of two. */
    public static final int RATE_BUCKETS = 4096;
    /** Close reasons counted per slot: room for every {@link dev.turnstile.api.CloseReason} (13 today) and more. */
    public static final int CLOSE_REASONS = 16;

    static {
        if (dev.turnstile.api.CloseReason.values().length > CLOSE_REASONS) {
            throw new ExceptionInInitializerError("the scoreboard counts " + CLOSE_REASONS + " close reasons, but there are "
                    + dev.turnstile.api.CloseReason.values().length + ": raise CLOSE_REASONS and move the fields after it");
        }
    }

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Path file;       // null for an in-memory scoreboard
    private final ByteBuffer buffer;
    private final int slots;
    private final int holdsPerSlot;
    private final int holdsBase;
    private final int ratesBase;

    private Scoreboard(Path file, ByteBuffer buffer, int slots, int threadsPerWorker) {
        this.file = file;
        this.buffer = buffer;
        this.slots = slots;
        this.holdsPerSlot = threadsPerWorker;
        this.holdsBase = HEADER_BYTES + slots * SLOT_BYTES;
        this.ratesBase = holdsBase + slots * threadsPerWorker * 8;
    }

    /** The file's size for {@code slots} slots of workers with {@code threadsPerWorker} threads. */
    static long size(int slots, int threadsPerWorker) {
        return HEADER_BYTES + (long) slots * SLOT_BYTES + (long) slots * threadsPerWorker * 8 + RATE_BUCKETS * 8L;
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

    /** Creates (or replaces) the file with {@code slots} free slots and no connection limits. */
    public static Scoreboard create(Path file, int slots, long masterPid, int port, String model, int threadsPerWorker)
            throws IOException {
        return create(file, slots, masterPid, port, model, threadsPerWorker, ConnectionLimits.none());
    }

    /**
     * Creates (or replaces) the file with {@code slots} free slots; the master does this once.
     * {@code limits} are the server's, for workers that apply them together ({@link #limits()}).
     */
    public static Scoreboard create(Path file, int slots, long masterPid, int port, String model, int threadsPerWorker,
                                    ConnectionLimits limits) throws IOException {
        if (slots < 1 || slots > 4096) {
            throw new IllegalArgumentException("scoreboard slots must be between 1 and 4096 (got " + slots + ")");
        }
        if (threadsPerWorker < 1 || threadsPerWorker > 4096) {
            throw new IllegalArgumentException("threads per worker must be between 1 and 4096 (got " + threadsPerWorker + ")");
        }
        long size = size(slots, threadsPerWorker);
        Path temporary = file.resolveSibling(file.getFileName() + "." + masterPid + ".tmp");
        ByteBuffer buffer;
        try (FileChannel ch = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            buffer = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
        }
        Scoreboard board = new Scoreboard(file, buffer, slots, threadsPerWorker);
        board.writeHeader(slots, masterPid, port, model, threadsPerWorker, limits);
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
        int threads = buffer.getInt(H_THREADS);
        if (slots < 1 || threads < 1 || buffer.capacity() < size(slots, threads)) {
            throw new IOException(file + " is truncated");
        }
        return new Scoreboard(file, buffer, slots, threads);
    }

    /** A scoreboard in memory, not shared with any process: for tests of the masters. */
    public static Scoreboard inMemoryForTest(int slots) {
        return inMemory(slots, "test");
    }

    static Scoreboard inMemory(int slots, String model) {
        return inMemory(slots, model, 1, ConnectionLimits.none());
    }

    /** A scoreboard in memory with limits, not shared with any process: for tests of the workers' shared limits. */
    public static Scoreboard inMemoryForTest(int slots, int threadsPerWorker, ConnectionLimits limits) {
        return inMemory(slots, "test", threadsPerWorker, limits);
    }

    private static Scoreboard inMemory(int slots, String model, int threadsPerWorker, ConnectionLimits limits) {
        Scoreboard board = new Scoreboard(null, ByteBuffer.allocateDirect(Math.toIntExact(size(slots, threadsPerWorker))),
                slots, threadsPerWorker);
        board.writeHeader(slots, ProcessHandle.current().pid(), 0, model, threadsPerWorker, limits);
        return board;
    }

    private void writeHeader(int slotCount, long masterPid, int port, String model, int threadsPerWorker,
                             ConnectionLimits limits) {
        buffer.putInt(H_VERSION, VERSION);
        buffer.putInt(H_SLOTS, slotCount);
        put(H_MASTER_PID, masterPid);
        put(H_STARTED, System.currentTimeMillis());
        buffer.putInt(H_PORT, port);
        buffer.putInt(H_THREADS, threadsPerWorker);
        byte[] name = model.getBytes(StandardCharsets.US_ASCII);
        buffer.put(H_MODEL, name, 0, Math.min(name.length, MODEL_BYTES - 1));
        buffer.putInt(H_MAX_CONNECTIONS, limits.maxConnections());
        buffer.putInt(H_MAX_PER_IP, limits.maxConnectionsPerIp());
        buffer.putInt(H_MAX_ACCEPT_RATE, limits.maxAcceptRate());
        put(H_CLOCK_ORIGIN, System.nanoTime());
        put(H_MAGIC, MAGIC); // last: a reader that sees the magic sees a whole header
    }

    /**
     * Master, on a reload: the limits workers started from now on apply ({@link #limits()} is read
     * when a worker starts). Workers already running keep the limits they read. Each field is one
     * aligned int, so a worker starting meanwhile reads each old or new, never torn.
     */
    public void rewriteLimits(ConnectionLimits limits) {
        buffer.putInt(H_MAX_CONNECTIONS, limits.maxConnections());
        buffer.putInt(H_MAX_PER_IP, limits.maxConnectionsPerIp());
        buffer.putInt(H_MAX_ACCEPT_RATE, limits.maxAcceptRate());
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
        return text(H_MODEL);
    }

    private String text(int offset) {
        byte[] name = new byte[MODEL_BYTES];
        buffer.get(offset, name);
        int n = 0;
        while (n < name.length && name[n] != 0) {
            n++;
        }
        return new String(name, 0, n, StandardCharsets.US_ASCII);
    }

    /**
     * Master, once after {@link #create}: the in-process model the pool's workers run (empty for
     * the built-in worker) and how many connections a worker holds before it counts as busy.
     */
    public void describeWorkers(String workerModel, int capacity) {
        byte[] name = workerModel.getBytes(StandardCharsets.US_ASCII);
        buffer.put(H_WORKER_MODEL, new byte[MODEL_BYTES]);
        buffer.put(H_WORKER_MODEL, name, 0, Math.min(name.length, MODEL_BYTES - 1));
        put(H_WORKER_CAPACITY, capacity);
    }

    /** The in-process model the pool's workers run; empty for the built-in worker (or another model). */
    public String workerModel() {
        return text(H_WORKER_MODEL);
    }

    /** Connections a worker holds before it counts as busy (0: not written, as by process-per-connection). */
    public long workerCapacity() {
        return get(H_WORKER_CAPACITY);
    }

    /** The server's connection limits, as the master wrote them, for workers that apply them together. */
    public ConnectionLimits limits() {
        return new ConnectionLimits(buffer.getInt(H_MAX_CONNECTIONS), buffer.getInt(H_MAX_PER_IP),
                buffer.getInt(H_MAX_ACCEPT_RATE));
    }

    /**
     * Microseconds since the scoreboard was made, on a clock every process on this machine shares:
     * {@link System#nanoTime()} is CLOCK_MONOTONIC on Linux, the same in every process.
     */
    public long micros() {
        return (System.nanoTime() - get(H_CLOCK_ORIGIN)) / 1000;
    }

    /** Rate bucket {@code i} ({@code 0 <= i < RATE_BUCKETS}); 0 when unused. The policy is its user's. */
    public long rateBucket(int i) {
        return (long) LONG.getVolatile(buffer, rateOffset(i));
    }

    /** Sets rate bucket {@code i} to {@code value} if it still holds {@code expected}; any process. */
    public boolean compareAndSetRateBucket(int i, long expected, long value) {
        return LONG.compareAndSet(buffer, rateOffset(i), expected, value);
    }

    private int rateOffset(int i) {
        if (i < 0 || i >= RATE_BUCKETS) {
            throw new IndexOutOfBoundsException("rate bucket " + i + " of " + RATE_BUCKETS);
        }
        return ratesBase + 8 * i;
    }

    /** Open connections held by the workers of every slot, as they count them ({@link Slot#open()}). */
    public long openInAllSlots() {
        long n = 0;
        for (int i = 0; i < slots; i++) {
            n += (long) LONG.getVolatile(buffer, HEADER_BYTES + i * SLOT_BYTES + S_OPEN);
        }
        return n;
    }

    /** Max-connections permits held by the workers of every slot ({@link Slot#addPermits}). */
    public long permitsInAllSlots() {
        long n = 0;
        for (int i = 0; i < slots; i++) {
            n += (long) LONG.getVolatile(buffer, HEADER_BYTES + i * SLOT_BYTES + S_PERMITS);
        }
        return n;
    }

    /** Connections held from the source {@code key} ({@link #sourceKey}) in every slot's holds. */
    public int heldFrom(long key) {
        int n = 0;
        for (int off = holdsBase; off < ratesBase; off += 8) {
            if ((long) LONG.getVolatile(buffer, off) == key) {
                n++;
            }
        }
        return n;
    }

    /**
     * A source address as one non-zero word, for the holds and the rate buckets: an IPv4 address
     * exactly (below 2^48); an IPv6 address as a 64-bit hash with the top bit set, so two IPv6
     * sources share a count only if their hashes collide (odds of about 2^-63 per pair).
     */
    public static long sourceKey(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 4) {
            return 0x0000_ffff_0000_0000L | (ByteBuffer.wrap(raw).getInt() & 0xffff_ffffL);
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        return mix(b.getLong() * 0x9e37_79b9_7f4a_7c15L ^ b.getLong()) | Long.MIN_VALUE;
    }

    /** A 64-bit finaliser (MurmurHash3's fmix64): every input bit affects every output bit. */
    public static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51_afd7_ed55_8ccdL;
        h ^= h >>> 33;
        h *= 0xc4ce_b9fe_1a85_ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** Slot {@code i}, a view with accessors; cheap, no allocation of its own state. */
    public Slot slot(int i) {
        if (i < 0 || i >= slots) {
            throw new IndexOutOfBoundsException("slot " + i + " of " + slots);
        }
        return new Slot(HEADER_BYTES + i * SLOT_BYTES, i);
    }

    /** Removes the file if it is still this board's (it names our master); mappings stay valid until dropped. */
    public void delete() {
        if (file == null) {
            return;
        }
        try {
            if (open(file, false).masterPid() != masterPid()) {
                return; // a newer master's (an upgrade's new copy replaced ours on the same port): not ours to delete
            }
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // gone, or a stale file in /dev/shm: the next master on this port replaces it
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
            dropHolds();
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

        /** Master, after reaping: the slot may be reused; what its worker held under the limits goes back. */
        public void free() {
            put(base + S_PID, 0);
            put(base + S_STATE, State.FREE.ordinal());
            dropHolds();
        }

        private void dropHolds() {
            LONG.setVolatile(buffer, base + S_PERMITS, 0L);
            LONG.setVolatile(buffer, base + S_OPEN, 0L);
            for (int h = 0; h < holdsPerSlot; h++) {
                LONG.setVolatile(buffer, holdOffset(h), 0L);
            }
        }

        // ---- the worker's share of the connection limits: its threads change these atomically

        /** Worker: takes ({@code +1}) or gives back ({@code -1}) max-connections permits; returns the slot's new count. */
        public long addPermits(long delta) {
            return (long) LONG.getAndAdd(buffer, base + S_PERMITS, delta) + delta;
        }

        /** Max-connections permits this worker holds: connections open and accepts waiting with a permit. */
        public long permits() {
            return (long) LONG.getVolatile(buffer, base + S_PERMITS);
        }

        /** Worker: counts an admitted connection open ({@code +1}) or closed ({@code -1}). */
        public void addOpen(long delta) {
            LONG.getAndAdd(buffer, base + S_OPEN, delta);
        }

        /** Admitted connections this worker holds open. */
        public long open() {
            return (long) LONG.getVolatile(buffer, base + S_OPEN);
        }

        /** Worker: an admission of its brought the server to max-connections. */
        public void touchCeiling() {
            LONG.getAndAdd(buffer, base + S_CEILING_TOUCHES, 1L);
        }

        /** How often an admission in this slot's worker brought the server to max-connections. */
        public long ceilingTouches() {
            return (long) LONG.getVolatile(buffer, base + S_CEILING_TOUCHES);
        }

        /** Worker: a connection from {@code peer} was refused for {@code limit}; the peer is written first. */
        public void refused(ConnectionLimit limit, InetSocketAddress peer) {
            byte[] ip = ipv6Bytes(peer.getAddress());
            put(base + S_REFUSED_IP_HI, ByteBuffer.wrap(ip, 0, 8).getLong());
            put(base + S_REFUSED_IP_LO, ByteBuffer.wrap(ip, 8, 8).getLong());
            put(base + S_REFUSED_PORT, peer.getPort());
            LONG.getAndAdd(buffer, base + S_REFUSED_BY + 8 * limit.ordinal(), 1L);
        }

        /** Connections this worker refused for {@code limit}. */
        public long refusedBy(ConnectionLimit limit) {
            return (long) LONG.getVolatile(buffer, base + S_REFUSED_BY + 8 * limit.ordinal());
        }

        /** The last peer this worker refused (several threads: one of the last), or null. */
        public InetSocketAddress lastRefused() {
            long port = get(base + S_REFUSED_PORT);
            if (port <= 0) {
                return null;
            }
            return new InetSocketAddress(address(get(base + S_REFUSED_IP_HI), get(base + S_REFUSED_IP_LO)), (int) port);
        }

        /**
         * Worker: records a connection held from the source {@code key} in a free hold of this
         * slot (one per thread, so one is free for each connection a worker can hold); false if
         * none is.
         */
        public boolean hold(long key) {
            for (int h = 0; h < holdsPerSlot; h++) {
                if (LONG.compareAndSet(buffer, holdOffset(h), 0L, key)) {
                    return true;
                }
            }
            return false;
        }

        /** Worker: gives back one hold of {@code key} taken by {@link #hold}. */
        public void unhold(long key) {
            for (int h = 0; h < holdsPerSlot; h++) {
                if (LONG.compareAndSet(buffer, holdOffset(h), key, 0L)) {
                    return;
                }
            }
        }

        private int holdOffset(int h) {
            return holdsBase + (index * holdsPerSlot + h) * 8;
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

        /** What the worker's threads were doing at its last report (event or heartbeat). Worker only. */
        public void phase(dev.turnstile.api.WorkerState phase) {
            put(base + S_PHASE, phase.ordinal() + 1);
        }

        /**
         * The slot as a {@link dev.turnstile.api.WorkerState}, for the master's stats: STARTING as
         * it is; IDLE as it is; BUSY as the phase the worker last reported (reading, handling,
         * writing, closing), or HANDLING when it reported none (a process-per-connection child
         * reports at its open and close only); STOPPING, and FREE (gone, not yet replaced), as
         * RETIRING.
         */
        public dev.turnstile.api.WorkerState workerState() {
            return switch (state()) {
                case STARTING -> dev.turnstile.api.WorkerState.STARTING;
                case IDLE -> dev.turnstile.api.WorkerState.IDLE;
                case STOPPING, FREE -> dev.turnstile.api.WorkerState.RETIRING;
                case BUSY -> {
                    dev.turnstile.api.WorkerState p = phase();
                    yield p == dev.turnstile.api.WorkerState.READING || p == dev.turnstile.api.WorkerState.WRITING
                            || p == dev.turnstile.api.WorkerState.CLOSING ? p : dev.turnstile.api.WorkerState.HANDLING;
                }
            };
        }

        /** The phase the worker last reported, or null if it has reported none. */
        public dev.turnstile.api.WorkerState phase() {
            long p = get(base + S_PHASE);
            dev.turnstile.api.WorkerState[] all = dev.turnstile.api.WorkerState.values();
            return p > 0 && p <= all.length ? all[(int) p - 1] : null;
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
            put(at + E_SEQUENCE, (long) LONG.getAndAdd(buffer, H_EVENT_SEQUENCE, 1L));
            put(base + S_EVENT_HEAD, head + 1); // publishes the event
        }

        /**
         * Master: the server-wide sequence number of event {@code n}, taken as it was written: the
         * order of events across slots (each slot's own are in order already).
         */
        public long eventSequence(long n) {
            return get(base + S_RING + (int) (n % RING_EVENTS) * EVENT_BYTES + E_SEQUENCE);
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
