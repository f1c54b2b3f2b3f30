package dev.turnstile.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.channels.Pipe;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class ProcessTreeProbeTest {

    @Test
    void cpuIsUserSystemAndReapedChildrenEvenWithSpacesInTheCommand() {
        String stat = "4242 (java worker (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 150 30 7 3 20 0 25 0 1 2 3";
        assertThat(ProcessTreeProbe.cpuTicks(stat)).isEqualTo(150 + 30 + 7 + 3);
    }

    @Test
    void readsNumbersFromStatus() {
        String status = "Name:\tjava\nVmHWM:\t  123456 kB\nVmRSS:\t   65536 kB\nThreads:\t27\n";
        assertThat(ProcessTreeProbe.kilobytes(status, "VmHWM:")).isEqualTo(123456);
        assertThat(ProcessTreeProbe.kilobytes(status, "Threads:")).isEqualTo(27);
        assertThat(ProcessTreeProbe.kilobytes(status, "VmSwap:")).isZero();
    }

    @Test
    void samplesThisProcess() {
        ProcessTreeProbe.Sample s = new ProcessTreeProbe(ProcessHandle.current().pid()).sample();
        assertThat(s.processes()).isGreaterThanOrEqualTo(1);
        assertThat(s.threads()).isGreaterThan(1);
        assertThat(s.rssBytes()).isPositive();
        assertThat(s.hwmBytes()).isGreaterThanOrEqualTo(s.rssBytes());
        assertThat(s.cpuSeconds()).isPositive();
        assertThat(s.descriptors()).as("not counted unless asked").isZero();
    }

    @Test
    void countsOpenDescriptorsWhenAsked() throws Exception {
        ProcessTreeProbe probe = new ProcessTreeProbe(ProcessHandle.current().pid(), ProcessTreeProbe.Descriptors.COUNTED);
        int before = probe.sample().descriptors();
        Pipe pipe = Pipe.open(); // two more descriptors
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            assertThat(before).isGreaterThanOrEqualTo(3); // stdin, stdout, stderr at least
            assertThat(probe.sample().descriptors()).isGreaterThan(before);
        }
    }
}
