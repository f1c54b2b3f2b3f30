package dev.turnstile.examples.resp;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keyspace: one per server, shared by every connection, on whatever threads the model runs
 * them.
 *
 * <p><b>Thread-safety.</b> A {@link ConcurrentHashMap} from key to {@link Entry}. Reads of a
 * string are lock-free; every change to one key (and every read of a list, whose deque changes
 * in place) is one atomic {@code compute} on that key, so concurrent INCRs never lose a count and
 * a list is never seen half-changed. Commands over several keys (DEL, MSET) are atomic per key,
 * not as a whole, unlike Redis.
 *
 * <p><b>Expiry.</b> An expired entry is treated as absent and removed by whoever touches it
 * first (a conditional remove, so a fresh value set meanwhile survives). Keys nobody touches
 * again are removed through the {@link ExpiryQueue} by later commands that set a deadline.
 */
final class Store {

    /** Which end of a list. */
    enum End { HEAD, TAIL }

    /** SET's condition: NX, XX or none. */
    enum Condition { ALWAYS, IF_ABSENT, IF_PRESENT }

    private static final int SWEEP_PER_DEADLINE = 8;

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final ExpiryQueue deadlines = new ExpiryQueue();
    private final InstantSource clock;

    Store(InstantSource clock) {
        this.clock = clock;
    }

    long nowMillis() {
        return clock.millis();
    }

    /** The live entry under {@code key}, or null. */
    Entry get(Key key) {
        Entry entry = entries.get(key);
        if (entry != null && entry.expiresAtMillis() != Entry.NEVER && entry.isExpired(nowMillis())) {
            entries.remove(key, entry);
            return null;
        }
        return entry;
    }

    /** The string under {@code key}, or null; a list there is WRONGTYPE. */
    byte[] getText(Key key) {
        Entry entry = get(key);
        if (entry == null) {
            return null;
        }
        if (entry instanceof Entry.Text text) {
            return text.bytes();
        }
        throw RespError.wrongType();
    }

    /** SET: stores {@code value} (any type was there) if the condition holds; true if it did. */
    boolean set(Key key, byte[] value, long expiresAtMillis, Condition condition) {
        Entry.Text fresh = new Entry.Text(value, expiresAtMillis);
        boolean stored;
        if (condition == Condition.ALWAYS) {
            entries.put(key, fresh);
            stored = true;
        } else {
            Entry result = entries.compute(key, (k, old) -> {
                Entry live = alive(old);
                boolean wanted = (live != null) == (condition == Condition.IF_PRESENT);
                return wanted ? fresh : live;
            });
            stored = result == fresh;
        }
        if (stored && expiresAtMillis != Entry.NEVER) {
            scheduleExpiry(key, expiresAtMillis);
        }
        return stored;
    }

    /** INCRBY: adds {@code delta} to the integer under {@code key} (0 if absent), keeping its expiry. */
    long incrementBy(Key key, long delta) {
        long[] result = new long[1];
        entries.compute(key, (k, old) -> {
            Entry live = alive(old);
            long current = 0;
            long expiry = Entry.NEVER;
            if (live != null) {
                if (!(live instanceof Entry.Text text)) {
                    throw RespError.wrongType();
                }
                current = Decimal.parse(text.bytes());
                expiry = live.expiresAtMillis();
            }
            try {
                result[0] = Math.addExact(current, delta);
            } catch (ArithmeticException e) {
                throw new RespError("ERR increment or decrement would overflow");
            }
            return new Entry.Text(Decimal.toBytes(result[0]), expiry);
        });
        return result[0];
    }

    /** DEL of one key: true if a live entry was there. */
    boolean delete(Key key) {
        Entry removed = entries.remove(key);
        return removed != null && alive(removed) != null;
    }

    /** LPUSH/RPUSH: adds {@code values} in order at {@code end}; returns the new length. */
    int push(Key key, End end, List<byte[]> values) {
        int[] length = new int[1];
        entries.compute(key, (k, old) -> {
            Entry live = alive(old);
            if (live == null) {
                live = new Entry.Items(new ArrayDeque<>(), Entry.NEVER);
            } else if (!(live instanceof Entry.Items)) {
                throw RespError.wrongType();
            }
            ArrayDeque<byte[]> items = ((Entry.Items) live).items();
            for (byte[] value : values) {
                if (end == End.HEAD) {
                    items.addFirst(value);
                } else {
                    items.addLast(value);
                }
            }
            length[0] = items.size();
            return live;
        });
        return length[0];
    }

    /** LPOP/RPOP: takes up to {@code count} values from {@code end}; null if there is no list. */
    List<byte[]> pop(Key key, End end, long count) {
        List<byte[]> popped = new ArrayList<>((int) Math.min(count, 16));
        Entry after = entries.computeIfPresent(key, (k, old) -> {
            Entry live = alive(old);
            if (live == null) {
                return null;
            }
            ArrayDeque<byte[]> items = list(live);
            while (popped.size() < count && !items.isEmpty()) {
                popped.add(end == End.HEAD ? items.pollFirst() : items.pollLast());
            }
            return items.isEmpty() ? null : live;
        });
        return popped.isEmpty() && after == null ? null : popped;
    }

    /** LLEN: the list's length, 0 if absent. */
    int length(Key key) {
        int[] length = new int[1];
        entries.computeIfPresent(key, (k, old) -> {
            Entry live = alive(old);
            if (live != null) {
                length[0] = list(live).size();
            }
            return live;
        });
        return length[0];
    }

    /** LRANGE: a copy of the values from {@code start} to {@code stop} inclusive, negative from the tail. */
    List<byte[]> range(Key key, long start, long stop) {
        List<byte[]> values = new ArrayList<>();
        entries.computeIfPresent(key, (k, old) -> {
            Entry live = alive(old);
            if (live == null) {
                return null;
            }
            ArrayDeque<byte[]> items = list(live);
            int size = items.size();
            long from = Math.max(start < 0 ? size + start : start, 0);
            long to = Math.min(stop < 0 ? size + stop : stop, size - 1L);
            Iterator<byte[]> it = items.iterator();
            for (long i = 0; i <= to && it.hasNext(); i++) {
                byte[] value = it.next();
                if (i >= from) {
                    values.add(value);
                }
            }
            return live;
        });
        return values;
    }

    /**
     * EXPIRE: gives a live key the deadline {@code atMillis}; a deadline already past deletes it.
     * True if the key was there.
     */
    boolean expire(Key key, long atMillis) {
        boolean[] found = new boolean[1];
        long now = nowMillis();
        entries.computeIfPresent(key, (k, old) -> {
            Entry live = alive(old);
            found[0] = live != null;
            if (live == null || atMillis <= now) {
                return null;
            }
            return live.withExpiry(atMillis);
        });
        if (found[0] && atMillis > now) {
            scheduleExpiry(key, atMillis);
        }
        return found[0];
    }

    /** TTL in milliseconds: -2 if there is no key, -1 if it never expires. */
    long ttlMillis(Key key) {
        Entry entry = get(key);
        if (entry == null) {
            return -2;
        }
        if (entry.expiresAtMillis() == Entry.NEVER) {
            return -1;
        }
        return Math.max(entry.expiresAtMillis() - nowMillis(), 0);
    }

    /** DBSIZE: keys stored, counting expired ones not yet removed, as Redis does. */
    long size() {
        return entries.mappingCount();
    }

    /** FLUSHALL. */
    void clear() {
        entries.clear();
        deadlines.clear();
    }

    private Entry alive(Entry entry) {
        boolean expired = entry != null && entry.expiresAtMillis() != Entry.NEVER && entry.isExpired(nowMillis());
        return expired ? null : entry;
    }

    private static ArrayDeque<byte[]> list(Entry entry) {
        if (entry instanceof Entry.Items items) {
            return items.items();
        }
        throw RespError.wrongType();
    }

    /** Records the deadline, and removes a few keys whose deadlines have already passed. */
    private void scheduleExpiry(Key key, long atMillis) {
        long now = nowMillis();
        for (int i = 0; i < SWEEP_PER_DEADLINE; i++) {
            Key due = deadlines.due(now);
            if (due == null) {
                break;
            }
            entries.computeIfPresent(due, (k, entry) -> entry.isExpired(now) ? null : entry);
        }
        deadlines.add(key, atMillis);
    }
}
