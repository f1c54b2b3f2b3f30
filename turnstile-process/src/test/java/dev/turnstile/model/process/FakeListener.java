package dev.turnstile.model.process;

import dev.turnstile.posix.AcceptedSocket;
import dev.turnstile.posix.Listener;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;

/** A listener without a socket: hands out queued connections (descriptors 101, 102... it does not own) and records its close. */
public final class FakeListener implements Listener {

    public final Deque<AcceptedSocket> queue = new ArrayDeque<>();
    public boolean open = true;
    private int next = 101;

    /** Queues {@code n} connections from 127.0.0.1, ports 40001, 40002... */
    public void pending(int n) {
        for (int i = 0; i < n; i++) {
            int fd = next++;
            queue.add(AcceptedSocket.unowned(fd, new InetSocketAddress("127.0.0.1", 40000 + fd - 100), localAddress()));
        }
    }

    @Override
    public int fd() {
        return 3;
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 20446);
    }

    @Override
    public AcceptedSocket accept() {
        return queue.poll();
    }

    @Override
    public void close() {
        open = false;
    }
}
