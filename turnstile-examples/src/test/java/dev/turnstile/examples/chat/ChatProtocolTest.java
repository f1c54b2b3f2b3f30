package dev.turnstile.examples.chat;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.core.Services;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chat protocol line by line, under every in-process model: the greeting, lines going to the
 * others only, joins and leaves, {@code /nick}, {@code /who}, {@code /quit}, and a line too long.
 */
@Timeout(60)
class ChatProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.turnstile.examples.chat.ChatServers#inProcessModels")
    void greetsFirstThenSendsEachLineToTheOthersOnly(String model) {
        try (RunningServer server = ChatServers.start(model, new Chat()); LineClient ada = server.connect()) {
            assertThat(ada.readLine()).isEqualTo("welcome guest-1");
            try (LineClient bob = server.connect()) {
                assertThat(bob.readLine()).isEqualTo("welcome guest-2");
                assertThat(ada.readLine()).isEqualTo("* guest-2 joined");

                bob.send("hello, anyone?\n");
                assertThat(ada.readLine()).isEqualTo("guest-2: hello, anyone?");
                ada.send("hi bob\n");
                assertThat(bob.readLine()).isEqualTo("guest-1: hi bob");
                assertThat(bob.ask("/who")).as("bob's own line did not come back to him")
                        .isEqualTo("members: guest-1, guest-2");
            }
            assertThat(ada.readLine()).isEqualTo("* guest-2 left");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.turnstile.examples.chat.ChatServers#inProcessModels")
    void renamesAndRefusesANameThatIsTaken(String model) {
        try (RunningServer server = ChatServers.start(model, new Chat());
             LineClient ada = joined(server, "guest-1"); LineClient bob = joined(server, "guest-2")) {
            assertThat(ada.readLine()).isEqualTo("* guest-2 joined");

            assertThat(ada.ask("/nick ada")).isEqualTo("you are ada");
            assertThat(bob.readLine()).isEqualTo("guest-1 is now ada");
            assertThat(bob.ask("/nick ada")).isEqualTo("error: name taken");
            assertThat(bob.ask("/nick two words")).startsWith("error: a name is");
            assertThat(bob.ask("/nick bob")).isEqualTo("you are bob");
            assertThat(ada.readLine()).isEqualTo("guest-2 is now bob");
            assertThat(ada.ask("/nick ada")).as("one's own name again").isEqualTo("you are ada");

            ada.send("hi bob\n");
            assertThat(bob.readLine()).isEqualTo("ada: hi bob");
            assertThat(bob.ask("/who")).isEqualTo("members: ada, bob");
            assertThat(bob.ask("/dance")).startsWith("error: unknown command /dance");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.turnstile.examples.chat.ChatServers#inProcessModels")
    void quitSaysByeClosesAndTellsTheOthers(String model) {
        Chat chat = new Chat();
        try (RunningServer server = ChatServers.start(model, chat);
             LineClient ada = joined(server, "guest-1"); LineClient bob = joined(server, "guest-2")) {
            assertThat(ada.readLine()).isEqualTo("* guest-2 joined");

            assertThat(bob.ask("/quit")).isEqualTo("bye");
            assertThat(bob.closedByServer()).isTrue();
            assertThat(ada.readLine()).isEqualTo("* guest-2 left");
            assertThat(ada.ask("/who")).isEqualTo("members: guest-1");
            assertThat(chat.memberCount()).isEqualTo(1);
            server.await("bob closed by the service", WAIT, s -> s.closes().get(CloseReason.SERVICE_CLOSED) == 1L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.turnstile.examples.chat.ChatServers#inProcessModels")
    void answersALineTooLongWithAnErrorAndCloses(String model) {
        try (RunningServer server = ChatServers.start(model, new Chat());
             LineClient ada = joined(server, "guest-1"); LineClient bob = joined(server, "guest-2")) {
            assertThat(ada.readLine()).isEqualTo("* guest-2 joined");

            bob.send("x".repeat(Chat.MAX_LINE_BYTES + 100) + "\n");
            assertThat(bob.readLine()).isEqualTo("error: line too long (more than " + Chat.MAX_LINE_BYTES + " bytes)");
            assertThat(bob.closedByServer()).isTrue();
            assertThat(ada.readLine()).as("nothing of the long line reached ada").isEqualTo("* guest-2 left");
            server.await("a protocol error", WAIT, s -> s.closes().get(CloseReason.PROTOCOL_ERROR) == 1L);
        }
    }

    /** Connects and reads the welcome, so the next one to connect is known to come after. */
    private static LineClient joined(RunningServer server, String name) {
        LineClient client = server.connect();
        try {
            assertThat(client.readLine()).isEqualTo("welcome " + name);
            return client;
        } catch (RuntimeException | AssertionError e) {
            client.close();
            throw e;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.turnstile.examples.chat.ChatServers#processModels")
    void processModelsRefuseTheSharedRoom(String model) {
        assertThatThrownBy(() -> RunningServer.start(model, ModelOptions.none(), b -> b.service(new Chat())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot run chat")
                .hasMessageContaining("share");
    }

    @Test
    void isFoundByNameForServe() {
        assertThat(Services.require("chat").create()).isInstanceOf(Chat.class);
        assertThat(new Chat().sharesStateAcrossConnections()).isTrue();
    }
}
