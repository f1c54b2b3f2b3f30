package dev.turnstile.model;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.Session;
import dev.turnstile.api.SessionService;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A blocking, session-level service runs under every model that gives a connection its own thread. */
@Timeout(60)
class SessionServiceTest {

    /** Counts the lines of one session and answers each with its number: state a framed handler would keep in a field. */
    static final class NumberedLines implements SessionService {
        @Override
        public String name() {
            return "numbered-lines";
        }

        @Override
        public void serve(Session session) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(session.input(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(session.output(), true, StandardCharsets.UTF_8);
            int n = 0;
            for (String line; (line = in.readLine()) != null; ) {
                out.println(++n + " " + line + " (" + session.info().worker() + ")");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"thread-per-connection", "virtual-threads", "thread-pool", "thread-pool-handoff", "elastic-pool"})
    void runsABlockingSessionService(String model) {
        try (RunningServer server = RunningServer.start(model, ModelOptions.none().withWorkers(2),
                b -> b.service(new NumberedLines()));
             LineClient client = server.connect()) {
            assertThat(client.ask("first")).startsWith("1 first (");
            assertThat(client.ask("second")).startsWith("2 second (");
        }
    }
}
