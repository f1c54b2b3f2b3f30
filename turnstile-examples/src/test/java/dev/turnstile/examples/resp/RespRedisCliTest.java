package dev.turnstile.examples.resp;

import dev.turnstile.core.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's {@code redis-cli} against the resp service. Does not skip when it is missing: the
 * test command installs redis-tools, so a missing one is a broken setup, reported as such.
 */
@Timeout(60)
class RespRedisCliTest {

    private static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");

    private static String redisCli(int port, String... command) throws IOException, InterruptedException {
        return redisCliWithInput(port, null, command);
    }

    private static String redisCliWithInput(int port, String stdin, String... command) throws IOException, InterruptedException {
        if (!Files.isExecutable(REDIS_CLI)) {
            fail(REDIS_CLI + " not found: install Debian's redis-tools (apt-get install -y redis-tools)");
        }
        List<String> line = new ArrayList<>(List.of(REDIS_CLI.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        try {
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                fail("redis-cli " + String.join(" ", command) + " did not finish in 10 s");
            }
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void servesRedisCli() throws Exception {
        try (Server server = RespServers.start("event-loop", new RespService())) {
            int port = server.port();
            assertThat(redisCli(port, "PING")).isEqualTo("PONG\n");
            assertThat(redisCli(port, "SET", "k", "v")).isEqualTo("OK\n");
            assertThat(redisCli(port, "GET", "k")).isEqualTo("v\n");
            assertThat(redisCli(port, "LPUSH", "l", "a", "b")).isEqualTo("2\n");
            assertThat(redisCli(port, "LRANGE", "l", "0", "-1")).isEqualTo("b\na\n");
            assertThat(redisCli(port, "INCR", "k").strip()).isEqualTo("ERR value is not an integer or out of range");
            String pipe = "*3\r\n$3\r\nSET\r\n$1\r\np\r\n$1\r\n1\r\n*2\r\n$4\r\nINCR\r\n$1\r\np\r\n";
            assertThat(redisCliWithInput(port, pipe, "--pipe")).contains("errors: 0, replies: 2");
            assertThat(redisCli(port, "GET", "p")).isEqualTo("2\n");
        }
    }
}
