package dev.turnstile.model.process;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.List;

/**
 * After each test: no child of this JVM is a zombie (everything that exited was reaped). After
 * the test class: every process the tests started is gone; children get a few seconds to finish
 * exiting, and anything left then fails the class, by pid and command.
 */
public final class NoProcessLeftBehind implements AfterEachCallback, AfterAllCallback {

    @Override
    public void afterEach(ExtensionContext context) {
        List<ChildProcesses.Child> zombies = ChildProcesses.zombies();
        if (!zombies.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " left zombies: " + zombies);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<ChildProcesses.Child> left = ChildProcesses.awaitNone(c -> true, Duration.ofSeconds(10));
        if (!left.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " left processes behind: " + left);
        }
    }
}
