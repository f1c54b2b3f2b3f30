package dev.turnstile.model.prefork;

import dev.turnstile.model.ModelContract;
import dev.turnstile.model.process.NoProcessLeftBehind;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.stream.Stream;

/**
 * The {@link ModelContract} for a process pool whose workers run an in-process model
 * ({@code --worker-model}): an event loop per worker, as nginx's workers are, and a thread pool per
 * worker. The pool refuses server-wide connection limits in this shape, so the contract's bounded
 * case is skipped here (the refusal itself is {@link WorkerModelPoolTest}'s).
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(120)
class WorkerModelContractTest extends ModelContract {

    static Stream<String> models() {
        return Stream.of("process-pool --worker-model event-loop --workers 2",
                "process-pool --worker-model thread-pool --workers 2");
    }

    /**
     * Not a case here: a pool of worker models refuses server-wide limits (each worker would apply
     * them alone; WorkerModelPoolTest checks the refusal).
     */
    @Override
    protected void boundedModelsNeverServeMoreConnectionsAtOnceThanTheirBound(String model) {
    }

    /**
     * Not a case here: it holds clients in the queue with max-connections, which these pools refuse;
     * WorkerModelPoolTest queues them on a worker's own socket instead.
     */
    @Override
    protected void gracefulStopServesTheConnectionsQueuedForAcceptAndResetsNone(String model) {
    }
}
