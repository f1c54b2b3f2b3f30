package dev.turnstile.model.process;

import dev.turnstile.posix.AcceptedSocket;
import dev.turnstile.posix.Listener;
import dev.turnstile.posix.PeerState;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/** A listener without a socket: hands out queued connections (descriptors 101, 102... it does not own) and records its close. */
public final class FakeListener implements Listener {

    public final Deque<AcceptedSocket> queue = new ArrayDeque<>();
    public boolean open = true;
    private int next = 101;

    /** Queues {@code n} connections from 127.0.0.1, ports 40001, 40002..., whose peers stay. */
    public void pending(int n) {
        for (int i = 0; i < n; i++) {
            pending(() -> PeerState.SENT);
        }
    }

    /** Queues one connection whose peer's state is whatever {@code peer} says when the master looks. */
    public void pending(Supplier<PeerState> peer) {
        int fd = next++;
        queue.add(AcceptedSocket.unowned(fd, new InetSocketAddress("127.0.0.1", 40000 + fd - 100), localAddress(), peer));
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
