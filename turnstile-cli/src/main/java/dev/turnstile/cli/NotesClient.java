package dev.turnstile.cli;

import dev.turnstile.api.Framing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The notes' client, made to check its answers: each client connects, and {@code messages}
 * times pauses a random time up to {@code thinkMax}, sends a word picked at random from the
 * notes' list, reads the reply and checks it is the word in upper case. Prints each reply with
 * the client's local address, as the notes do.
 *
 * <p>Raw framing sends bare words and expects bare replies, exactly as the notes' client;
 * line framing sends and expects lines. Thread-safe counters; one thread per client.
 */
final class NotesClient {

    /** The notes' word list. */
    static final List<String> MESSAGES = List.of("hello", "bye", "why", "yes", "no", "maybe", "are you sure", "why not?");
    static final int READ_TIMEOUT_MS = 15_000;

    /** What the clients did. {@code missing} counts messages never sent or answered because a connection failed. */
    record Summary(int clients, long sent, long verified, long mismatched, long missing, long errors) {
        boolean ok() {
            return mismatched == 0 && missing == 0 && errors == 0 && verified == sent;
        }

        String line() {
            return String.format("clients %d: sent %d, verified %d, mismatched %d, missing %d, errors %d",
                    clients, sent, verified, mismatched, missing, errors);
        }
    }

    private final String host;
    private final int port;
    private final int clients;
    private final int messages;
    private final Duration thinkMax;
    private final Framing framing;
    private final PrintStream transcript;
    private final LongAdder sent = new LongAdder();
    private final LongAdder verified = new LongAdder();
    private final LongAdder mismatched = new LongAdder();
    private final LongAdder missing = new LongAdder();
    private final LongAdder errors = new LongAdder();

    NotesClient(String host, int port, int clients, int messages, Duration thinkMax, Framing framing, PrintStream transcript) {
        if (clients < 1) {
            throw new IllegalArgumentException("--clients must be >= 1 (got " + clients + ")");
        }
        if (messages < 1) {
            throw new IllegalArgumentException("--messages must be >= 1 (got " + messages + ")");
        }
        if (thinkMax.isNegative()) {
            throw new IllegalArgumentException("--think-max must not be negative (got " + thinkMax + ")");
        }
        if (framing == Framing.AUTO) {
            throw new IllegalArgumentException("--framing for the client must be raw or line");
        }
        this.host = host;
        this.port = port;
        this.clients = clients;
        this.messages = messages;
        this.thinkMax = thinkMax;
        this.framing = framing;
        this.transcript = transcript;
    }

    /** Runs every client to its end and returns what happened. */
    Summary run() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().name("notes-client-" + (c + 1)).start(this::converse));
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Summary(clients, sent.sum(), verified.sum(), mismatched.sum(), missing.sum(), errors.sum());
    }

    private void converse() {
        int done = 0;
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            String me = socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < messages; i++) {
                long pauseNanos = (long) (random.nextDouble() * thinkMax.toNanos());
                if (pauseNanos > 0) {
                    Thread.sleep(Duration.ofNanos(pauseNanos)); // the notes' think time: workload, not synchronisation
                }
                String word = MESSAGES.get(random.nextInt(MESSAGES.size()));
                out.write((framing == Framing.LINE ? word + "\n" : word).getBytes(StandardCharsets.UTF_8));
                out.flush();
                sent.increment();
                String expected = word.toUpperCase(Locale.ROOT);
                String reply = framing == Framing.LINE ? readLine(in) : readExactly(in, expected.getBytes(StandardCharsets.UTF_8).length);
                done++;
                if (reply.equals(expected)) {
                    verified.increment();
                    transcript.println(me + " " + reply);
                } else {
                    mismatched.increment();
                    transcript.println(me + " MISMATCH: sent '" + word + "', got '" + reply + "'");
                }
            }
        } catch (IOException e) {
            errors.increment();
            missing.add(messages - done);
            transcript.println("client error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            missing.add(messages - done);
        }
    }

    private static String readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new IOException("connection closed after " + bytes.length + " of " + n + " reply bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("connection closed in the middle of a reply");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
