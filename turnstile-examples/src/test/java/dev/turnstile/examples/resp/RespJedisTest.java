package dev.turnstile.examples.resp;

import dev.turnstile.core.Server;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The resp service as a real client library sees it, under every model that can share a store. */
@Timeout(60)
class RespJedisTest {

    static java.util.stream.Stream<String> models() {
        return RespServers.sharedStateModels();
    }

    @ParameterizedTest
    @MethodSource("models")
    void answersStringCommandsAsRedis(String model) {
        try (Server server = RespServers.start(model, new RespService());
             Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThat(jedis.echo("hello there")).isEqualTo("hello there");
            assertThat(jedis.set("k", "v")).isEqualTo("OK");
            assertThat(jedis.get("k")).isEqualTo("v");
            assertThat(jedis.get("missing")).isNull();
            assertThat(jedis.set("k", "other", SetParams.setParams().nx())).isNull();
            assertThat(jedis.set("fresh", "1", SetParams.setParams().nx())).isEqualTo("OK");
            assertThat(jedis.set("absent", "1", SetParams.setParams().xx())).isNull();
            assertThat(jedis.set("k", "v2", SetParams.setParams().xx())).isEqualTo("OK");
            assertThat(jedis.get("k")).isEqualTo("v2");
            byte[] binary = {0, '\r', '\n', (byte) 0xff, ' '};
            assertThat(jedis.set(binary, binary)).isEqualTo("OK");
            assertThat(jedis.get(binary)).isEqualTo(binary);

            assertThat(jedis.incr("n")).isEqualTo(1);
            assertThat(jedis.incrBy("n", 41)).isEqualTo(42);
            assertThat(jedis.decr("n")).isEqualTo(41);
            assertThat(jedis.incrBy("n", -50)).isEqualTo(-9);
            assertThatThrownBy(() -> jedis.incr("k"))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR value is not an integer or out of range");
            jedis.set("max", Long.toString(Long.MAX_VALUE));
            assertThatThrownBy(() -> jedis.incr("max"))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR increment or decrement would overflow");

            assertThat(jedis.mset("a", "1", "b", "2")).isEqualTo("OK");
            assertThat(jedis.mget("a", "nope", "b")).containsExactly("1", null, "2");
            assertThat(jedis.exists("a", "b", "nope", "a")).isEqualTo(3);
            assertThat(jedis.del("a", "nope")).isEqualTo(1);
            assertThat(jedis.exists("a")).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void keepsListsAndAnswersWrongTypes(String model) {
        try (Server server = RespServers.start(model, new RespService());
             Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            assertThat(jedis.rpush("list", "b", "c")).isEqualTo(2);
            assertThat(jedis.lpush("list", "a", "z")).isEqualTo(4);
            assertThat(jedis.lrange("list", 0, -1)).containsExactly("z", "a", "b", "c");
            assertThat(jedis.lrange("list", 1, 2)).containsExactly("a", "b");
            assertThat(jedis.lrange("list", -2, 100)).containsExactly("b", "c");
            assertThat(jedis.llen("list")).isEqualTo(4);
            assertThat(jedis.lpop("list")).isEqualTo("z");
            assertThat(jedis.rpop("list")).isEqualTo("c");
            assertThat(jedis.lpop("list", 5)).containsExactly("a", "b");
            assertThat(jedis.exists("list")).as("popping the last value removes the key").isFalse();
            assertThat(jedis.lpop("list")).isNull();
            assertThat(jedis.llen("list")).isZero();

            jedis.set("text", "v");
            jedis.rpush("items", "x");
            String wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
            assertThatThrownBy(() -> jedis.lpush("text", "x")).hasMessage(wrongType);
            assertThatThrownBy(() -> jedis.llen("text")).hasMessage(wrongType);
            assertThatThrownBy(() -> jedis.get("items")).hasMessage(wrongType);
            assertThatThrownBy(() -> jedis.incr("items")).hasMessage(wrongType);
            assertThat(jedis.set("items", "now text")).as("SET replaces any type").isEqualTo("OK");
            assertThat(jedis.get("items")).isEqualTo("now text");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void expiresKeysByTheServiceClock(String model) {
        ManualClock clock = new ManualClock();
        try (Server server = RespServers.start(model, new RespService(clock));
             Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            jedis.set("session", "s", SetParams.setParams().ex(10));
            jedis.set("short", "s", SetParams.setParams().px(1500));
            jedis.set("forever", "f");
            assertThat(jedis.ttl("session")).isEqualTo(10);
            assertThat(jedis.ttl("forever")).isEqualTo(-1);
            assertThat(jedis.ttl("nothing")).isEqualTo(-2);
            assertThat(jedis.expire("forever", 100)).isEqualTo(1);
            assertThat(jedis.expire("nothing", 100)).isZero();
            assertThat(jedis.ttl("forever")).isEqualTo(100);

            clock.advanceMillis(2_000);
            assertThat(jedis.get("short")).isNull();
            assertThat(jedis.ttl("session")).isEqualTo(8);
            clock.advanceMillis(8_000);
            assertThat(jedis.get("session")).isNull();
            assertThat(jedis.exists("session")).isFalse();
            assertThat(jedis.get("forever")).isEqualTo("f");
            assertThat(jedis.incr("forever-counter")).isEqualTo(1);
            assertThat(jedis.expire("forever", 0)).as("a past deadline deletes").isEqualTo(1);
            assertThat(jedis.get("forever")).isNull();

            assertThat(jedis.dbSize()).isEqualTo(1);
            assertThat(jedis.flushAll()).isEqualTo("OK");
            assertThat(jedis.dbSize()).isZero();
            assertThat(jedis.configGet("save")).isEqualTo(Map.of("save", ""));
            assertThat(jedis.configGet("nosuch")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void answersMistakesWithRedisErrors(String model) {
        try (Server server = RespServers.start(model, new RespService());
             Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            assertThatThrownBy(() -> jedis.sendCommand(() -> "FOO".getBytes(), "a", "b"))
                    .hasMessage("ERR unknown command 'FOO', with args beginning with: 'a' 'b' ");
            assertThatThrownBy(() -> jedis.sendCommand(() -> "GET".getBytes()))
                    .hasMessage("ERR wrong number of arguments for 'get' command");
            assertThatThrownBy(() -> jedis.sendCommand(() -> "SET".getBytes(), "k", "v", "EX", "ten"))
                    .hasMessage("ERR value is not an integer or out of range");
            assertThatThrownBy(() -> jedis.sendCommand(() -> "SET".getBytes(), "k", "v", "NX", "XX"))
                    .hasMessage("ERR syntax error");
            assertThatThrownBy(() -> jedis.sendCommand(() -> "SET".getBytes(), "k", "v", "EX", "0"))
                    .hasMessage("ERR invalid expire time in 'set' command");
            assertThatThrownBy(() -> jedis.sendCommand(() -> "MSET".getBytes(), "k", "v", "k2"))
                    .hasMessage("ERR wrong number of arguments for 'mset' command");
            assertThat(jedis.ping()).as("errors leave the connection usable").isEqualTo("PONG");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void countsExactlyWhenManyClientsIncrementOneKey(String model) throws Exception {
        int clients = 16;
        int increments = 500;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (Server server = RespServers.start(model, new RespService())) {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                tasks.add(() -> {
                    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                        for (int i = 0; i < increments; i++) {
                            jedis.incr("hits");
                            jedis.rpush("log", "x");
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> done : pool.invokeAll(tasks)) {
                done.get();
            }
            try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                assertThat(jedis.get("hits")).isEqualTo(Integer.toString(clients * increments));
                assertThat(jedis.llen("log")).isEqualTo(clients * increments);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
