package dev.turnstile.loadgen;

import dev.turnstile.api.Framing;
import dev.turnstile.core.Server;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class ProcessFanOutTest {

    @Test
    void sharesConnectionsAndRateEvenly() {
        LoadOptions o = LoadOptions.builder().workload(Workload.RATE).rate(1000).connections(7).threads(2).processes(3)
                .build();

        List<LoadOptions> shares = ProcessFanOut.shares(o);

        assertThat(shares).extracting(LoadOptions::connections).containsExactly(3, 2, 2);
        assertThat(shares).extracting(LoadOptions::processes).containsOnly(1);
        assertThat(shares.stream().mapToDouble(LoadOptions::rate).sum()).isEqualTo(1000.0);
    }

    @Test
    @Tag("process")
    void mergesTheChildProcessesCountsExactly() throws Exception {
        try (Server server = TestServers.echo(Framing.LINE)) {
            LoadResult r = LoadGenerator.run(TestServers.against(server).connections(6).processes(2)
                    .messagesPerConnection(30).build());

            assertThat(r.errors()).isEqualTo(ErrorCounts.NONE);
            assertThat(r.processes()).isEqualTo(2);
            assertThat(r.connections()).isEqualTo(6);
            assertThat(r.messages()).isEqualTo(180);
            assertThat(r.latency().getTotalCount()).isEqualTo(180);
            assertThat(r.connects()).isEqualTo(6);
        }
    }
}
