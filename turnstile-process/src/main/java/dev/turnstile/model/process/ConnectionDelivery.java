package dev.turnstile.model.process;

import java.util.List;

/**
 * How a connection child gets its connection: on its standard input from the spawn (it is started
 * for a connection that is already there), or handed off later over a
 * {@link dev.turnstile.posix.HandOffLine} (a spare, started ahead of demand). A spare's JVM needs
 * native access to receive a descriptor; that changes which class-data archive fits it, so the
 * delivery is part of the worker JVM's command line and of the archive's name.
 */
enum ConnectionDelivery {
    STANDARD_INPUT,
    HAND_OFF;

    /**
     * The JVM options this delivery needs: native access for a spare. A spare keeps the late,
     * C1-only compilation of a child started for its connection: compiling its rehearsal at the
     * usual thresholds made its start cost more CPU without a measurable gain on the connection's
     * path on this machine, and a spare's start is what the connections' own children compete with
     * when spares cannot keep up.
     */
    List<String> jvmOptions() {
        return this == HAND_OFF ? List.of("--enable-native-access=ALL-UNNAMED") : List.of();
    }
}
