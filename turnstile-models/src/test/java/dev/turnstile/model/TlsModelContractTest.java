package dev.turnstile.model;

import dev.turnstile.core.Server;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import dev.turnstile.testing.TestCertificates;
import dev.turnstile.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The whole {@link ModelContract} again, over TLS 1.3, in every model that serves in this JVM: the
 * server gets a certificate made for the run, every client is a JDK {@code SSLSocket} that trusts
 * only it. Whatever the contract asks of a model in plaintext (framing, over-long messages, idle
 * timeouts, drains, queueing beyond the pool) it must keep behind a TLS handshake too.
 */
@Timeout(120)
class TlsModelContractTest extends ModelContract {

    @TempDir
    static Path dir;
    static TestCertificates certificates;

    @BeforeAll
    static void certificates() {
        certificates = TestCertificates.create(dir);
    }

    static Stream<String> models() {
        return TestModels.inProcess();
    }

    @Override
    protected void transport(Server.Builder builder) {
        builder.tls(certificates.pem());
    }

    /**
     * Not a case over TLS: a queued client cannot have sent its message, since its handshake waits
     * for the server to accept it. The plaintext contract covers the accept queue for every model.
     */
    @Override
    protected void gracefulStopServesTheConnectionsQueuedForAcceptAndResetsNone(String model) {
    }

    @Override
    protected LineClient connect(RunningServer server) {
        return certificates.connect(server.port());
    }
}
