package dev.turnstile.bench;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of one benchmark cell, as a process of its own: drives one workload against a
 * server and writes the result as JSON, in the shape of {@code turnstile load --json}.
 *
 * <p>INTERIM: until turnstile-load is merged, this is a plain blocking client with a virtual
 * thread per connection; after the merge it calls {@code LoadGenerator.run(LoadOptions)} and keeps
 * only the argument handling.
 *
 * <pre>
 * LoadProcess --host H --port P --workload ping-pong|think|churn --connections N
 *             --warmup SECONDS --duration SECONDS [--think-max SECONDS] --json FILE
 * </pre>
 */
public final class LoadProcess {

    private static final String[] WORDS = {"hello", "bye", "why", "yes", "no", "maybe", "are you sure", "why not?"};
    private static final int SOCKET_TIMEOUT_MILLIS = 10_000;

    private final String host;
    private final int port;
    private final Workload workload;
    private final int connections;
    private final long warmupNanos;
    private final long durationNanos;
    private final long thinkMaxNanos;
    private final Histogram histogram = new Histogram(60_000_000L, 3); // guarded by itself
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong mismatches = new AtomicLong();
    private final AtomicLong missing = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private volatile long measureStart; // System.nanoTime() at the end of warm-up
    private volatile long measureEnd;

    private LoadProcess(Map<String, String> flags) {
        host = flags.getOrDefault("host", "127.0.0.1");
        port = Integer.parseInt(required(flags, "port"));
        workload = Workload.parse(flags.getOrDefault("workload", "ping-pong"));
        connections = Integer.parseInt(flags.getOrDefault("connections", "1"));
        warmupNanos = seconds(flags.getOrDefault("warmup", "0"));
        durationNanos = seconds(flags.getOrDefault("duration", "10"));
        thinkMaxNanos = seconds(flags.getOrDefault("think-max", "1"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        LoadProcess load;
        try {
            load = new LoadProcess(flags);
        } catch (IllegalArgumentException e) {
            System.err.println("load: " + e.getMessage());
            System.exit(2);
            return;
        }
        Map<String, Object> result = load.run();
        String json = Json.write(result);
        Files.writeString(Path.of(required(flags, "json")), json);
        System.out.print(json);
        System.exit(Boolean.TRUE.equals(result.get("ok")) ? 0 : 1);
    }

    private Map<String, Object> run() throws InterruptedException {
        long start = System.nanoTime();
        measureStart = start + warmupNanos;
        measureEnd = measureStart + durationNanos;
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(Thread.ofVirtual().name("load-" + i).start(
                    workload == Workload.CHURN ? this::churn : this::converse));
        }
        for (Thread client : clients) {
            client.join();
        }
        double seconds = durationNanos / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", workload.cliName());
        m.put("connections", connections);
        m.put("threads", 1);
        m.put("warmupSeconds", warmupNanos / 1e9);
        m.put("durationSeconds", seconds);
        m.put("messages", messages.get());
        m.put("messagesPerSecond", messages.get() / seconds);
        m.put("connects", connects.get());
        m.put("connectsPerSecond", workload == Workload.CHURN ? connects.get() / seconds : 0.0);
        Map<String, Object> lat = new LinkedHashMap<>();
        synchronized (histogram) {
            lat.put("p50", histogram.getValueAtPercentile(50));
            lat.put("p90", histogram.getValueAtPercentile(90));
            lat.put("p99", histogram.getValueAtPercentile(99));
            lat.put("p999", histogram.getValueAtPercentile(99.9));
            lat.put("max", histogram.getMaxValue());
            lat.put("mean", histogram.getMean());
        }
        m.put("latencyMicros", lat);
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("mismatches", mismatches.get());
        err.put("missing", missing.get());
        err.put("refused", refused.get());
        err.put("resets", resets.get());
        err.put("timeouts", timeouts.get());
        m.put("errors", err);
        long errors = mismatches.get() + missing.get() + refused.get() + resets.get() + timeouts.get();
        m.put("ok", errors == 0 && messages.get() > 0);
        synchronized (histogram) {
            ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
            int n = histogram.encodeIntoCompressedByteBuffer(buffer);
            m.put("histogram", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), n)));
        }
        return m;
    }

    /** ping-pong and think: one connection for the whole run. */
    private void converse() {
        try (Socket socket = connect()) {
            BufferedReader in = reader(socket);
            OutputStream out = socket.getOutputStream();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (true) {
                if (workload == Workload.THINK) {
                    Thread.sleep(java.time.Duration.ofNanos(random.nextLong(thinkMaxNanos + 1)));
                }
                long sent = System.nanoTime();
                if (sent >= measureEnd) {
                    return;
                }
                if (!exchange(in, out, random)) {
                    return;
                }
                record(sent);
            }
        } catch (IOException e) {
            classify(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** churn: connect, one message, close, until the end. */
    private void churn() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            long began = System.nanoTime();
            if (began >= measureEnd) {
                return;
            }
            try (Socket socket = connect()) {
                if (!exchange(reader(socket), socket.getOutputStream(), random)) {
                    return;
                }
            } catch (IOException e) {
                classify(e);
                return;
            }
            if (record(began)) {
                connects.incrementAndGet();
            }
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
        socket.connect(new InetSocketAddress(host, port), SOCKET_TIMEOUT_MILLIS);
        return socket;
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Sends one word and checks the reply; false (counted) if it was missing or wrong. */
    private boolean exchange(BufferedReader in, OutputStream out, ThreadLocalRandom random) throws IOException {
        String word = WORDS[random.nextInt(WORDS.length)];
        out.write((word + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String reply = in.readLine();
        if (reply == null) {
            missing.incrementAndGet();
            return false;
        }
        if (!reply.equals(word.strip().toUpperCase(Locale.ROOT))) {
            mismatches.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Counts a completed exchange begun at {@code began} if it falls in the measured window. */
    private boolean record(long began) {
        long now = System.nanoTime();
        if (began < measureStart || now > measureEnd) {
            return false;
        }
        messages.incrementAndGet();
        synchronized (histogram) {
            histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), (now - began) / 1_000));
        }
        return true;
    }

    private void classify(IOException e) {
        switch (e) {
            case ConnectException c -> refused.incrementAndGet();
            case SocketTimeoutException t -> timeouts.incrementAndGet();
            case SocketException s -> resets.incrementAndGet();
            default -> missing.incrementAndGet();
        }
    }

    private static long seconds(String value) {
        return (long) (Double.parseDouble(value) * 1e9);
    }

    private static String required(Map<String, String> flags, String key) {
        String v = flags.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }
}
