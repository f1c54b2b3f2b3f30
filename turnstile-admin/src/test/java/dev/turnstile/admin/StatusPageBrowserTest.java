package dev.turnstile.admin;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.echo.EchoUppercase;
import dev.turnstile.testing.PingPongLoad;
import dev.turnstile.testing.Poll;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The status page in a real browser (Debian's {@code chromium} driven headless through
 * {@code chromium-driver}) while a load runs against an elastic pool: the page shows one cell
 * per worker with its state, the open connections and the pool's events, and its figures move.
 * Leaves a screenshot of the page under load in {@code target/status-page.png} (the README's
 * {@code docs/status-page.png} is a copy of one).
 *
 * <p>Never skips: without the browser it fails saying what to install
 * ({@code scripts/install-test-tools} installs both when it can).
 */
@Timeout(180)
class StatusPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Set<String> STATES = Set.of("idle", "reading", "handling", "writing", "closing", "starting", "retiring");

    /** Echo-uppercase that holds its thread about 3 ms per message, as a handler doing a little work would. */
    static final class WorkingEcho implements FramedService {
        private final CountDownLatch never = new CountDownLatch(1);

        @Override
        public String name() {
            return "working-echo";
        }

        @Override
        public MessageHandler newHandler(ConnectionInfo connection) {
            return (message, replies) -> {
                try {
                    never.await(3, TimeUnit.MILLISECONDS); // the "work": a bounded wait that never opens
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                EchoUppercase.answer(message, replies);
            };
        }
    }

    private static ChromeDriver browser() {
        List<String> missing = new java.util.ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add("chromium (" + CHROMIUM + ")");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add("chromium-driver (" + CHROMEDRIVER + ")");
        }
        if (!missing.isEmpty()) {
            fail("the browser test needs Debian's " + String.join(" and ", missing)
                    + ": run scripts/install-test-tools as root, or apt-get install chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1400", "--hide-scrollbars", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static Map<String, String> cellStates(ChromeDriver page) {
        Map<String, String> states = new LinkedHashMap<>();
        for (WebElement cell : page.findElements(By.cssSelector("#workers .cell"))) {
            states.put(cell.getAttribute("data-worker"), cell.getAttribute("data-state"));
        }
        return states;
    }

    private static long figure(ChromeDriver page, String id) {
        String text = page.findElement(By.id(id)).getText().replace(",", "");
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }

    @Test
    void showsTheWorkersWithTheirStatesAndFiguresThatMoveWhileALoadRunsAgainstAPool() throws IOException {
        ModelOptions options = ModelOptions.none().withMinWorkers(2).withMaxWorkers(8).withKeepAlive(Duration.ofSeconds(2));
        try (RunningServer server = RunningServer.start("elastic-pool", options, b -> b.service(new WorkingEcho()));
             AdminServer admin = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     StatusSource.of(ServerFacts.ofThisProcess("elastic-pool",
                             Map.of("service", "working-echo", "min", "2", "max", "8", "keep-alive", "2s"),
                             "127.0.0.1:" + server.port()), server.server().stats()));
             PingPongLoad steady = PingPongLoad.start(server.port(), 4, Duration.ofMillis(5))) {
            ChromeDriver page = browser();
            try {
                page.get(admin.statusPage().toString());
                assertTrue(page.getTitle().startsWith("turnstile"), page.getTitle());
                assertEquals("elastic-pool", Poll.until("the model's name", WAIT,
                        () -> page.findElement(By.id("model")).getText(), m -> !m.equals("\u2026")));
                assertEquals(STATES.size(), page.findElements(By.cssSelector("#legend li")).size());

                Map<String, String> first = Poll.until("four busy workers shown with their states", WAIT,
                        () -> cellStates(page), s -> s.values().stream().filter(x -> !x.equals("idle")).count() >= 4);
                assertTrue(STATES.containsAll(first.values()), first.toString());
                assertTrue(first.keySet().stream().allMatch(w -> w.startsWith("worker-")), first.toString());

                long messages = Poll.until("a message count", WAIT, () -> figure(page, "tile-messages"), n -> n > 0);
                long later = Poll.until("the message count to move", WAIT, () -> figure(page, "tile-messages"), n -> n > messages);
                assertTrue(later > messages);
                Poll.until("a rate of messages per second", WAIT, () -> figure(page, "tile-rate"), n -> n > 0);
                Set<String> seen = new HashSet<>();
                Poll.until("the cells to change state as the workers read and handle", WAIT, () -> {
                    seen.addAll(cellStates(page).values());
                    return seen;
                }, s -> s.contains("reading") && s.contains("handling"));

                try (PingPongLoad burst = PingPongLoad.start(server.port(), 4, Duration.ofMillis(5))) {
                    Poll.until("eight connections open", WAIT, () -> figure(page, "tile-open"), n -> n == 8);
                    Poll.until("the pool's growth listed as it happens", WAIT,
                            () -> page.findElement(By.id("events")).getText(), t -> t.contains("grew to 8"));
                    List<WebElement> rows = Poll.until("eight open connections listed", WAIT,
                            () -> page.findElements(By.cssSelector("#connections tbody tr")), r -> r.size() == 8);
                    assertTrue(rows.getFirst().getText().contains("127.0.0.1:"), rows.getFirst().getText());
                    assertTrue(burst.answered() >= 0);
                }
                Poll.until("the burst's connections closed", WAIT, () -> page.findElement(By.id("closes")).getText(),
                        t -> t.contains("peer closed 4"));
                Poll.until("the pool shrinking after the keep-alive", WAIT,
                        () -> page.findElement(By.id("events")).getText(), t -> t.contains("shrank to"));
                Poll.until("the shrunk workers shown retiring", WAIT, () -> cellStates(page).values(),
                        v -> v.contains("retiring"));
                assertEquals(4, figure(page, "tile-open"));
                assertFalse(page.findElement(By.id("settings")).getText().isBlank());
                Object painted = ((JavascriptExecutor) page).executeScript(
                        "var c = document.getElementById('chart'); var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                                + "for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) return true; } return false;");
                assertEquals(Boolean.TRUE, painted, "the chart has something drawn on it");
                File shot = page.getScreenshotAs(OutputType.FILE);
                Path target = Path.of("target", "status-page.png");
                Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                assertNotEquals(0, Files.size(target));
            } finally {
                page.quit();
            }
        }
    }
}
