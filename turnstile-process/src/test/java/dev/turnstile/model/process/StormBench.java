package dev.turnstile.model.process;

import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.core.Server;

import java.time.Duration;

/**
 * Measures process-per-connection under a storm of connect-and-close cycles ({@link ConnectionStorm}):
 * 4 threads, at most 2,000 cycles in 8 s, a fresh client every 500 ms during the storm and 5 s
 * after it, default --max-children (40). Prints the figures the issue asks for. Run, for example:
 * {@code java --enable-native-access=ALL-UNNAMED -cp "$CP" dev.turnstile.model.process.StormBench [cycles] [seconds] [exec]}.
 */
public final class StormBench {

    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        ModelOptions options = args.length > 2 && args[2].equals("exec")
                ? ModelOptions.none().with("exec", ExecCommand.join(java.util.List.of("sh", "-c",
                        ProcessPerConnectionTest.SHELL_UPPERCASE)))
                : ModelOptions.none();
        ConnectionStorm storm = new ConnectionStorm();
        try (Server server = Server.builder().model("process-per-connection").options(options).framing(Framing.LINE)
                .listener(storm.spawnCounter()).port(0).start()) {
            ConnectionStorm.Result r = storm.run(server.port(), new ConnectionStorm.Plan(4, cycles,
                    Duration.ofSeconds(seconds), Duration.ofMillis(500), Duration.ofSeconds(5)), Duration.ofSeconds(30));
            System.out.println(r.describe());
            System.out.printf("server: accepted %d, closed %d, rejected %d, closes %s%n", server.snapshot().accepted(),
                    server.snapshot().closed(), server.snapshot().rejected(), server.snapshot().closes());
        }
    }
}
