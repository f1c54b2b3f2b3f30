package dev.turnstile.examples.chat;

import dev.turnstile.api.Service;
import dev.turnstile.api.ServiceProvider;

/** {@code turnstile serve --service chat}: listed in {@code META-INF/services}, found by the CLI. */
public final class ChatProvider implements ServiceProvider {

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String description() {
        return "one chat room over lines: welcome NAME, lines go to the others, /nick NEW, /who, /quit"
                + " (threads or event loops only; a member past --max-pending is dropped)";
    }

    @Override
    public Service create() {
        return new Chat();
    }
}
