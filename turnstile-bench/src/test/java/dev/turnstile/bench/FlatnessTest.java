package dev.turnstile.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class FlatnessTest {

    private static final Flatness.Tolerance THREADS = new Flatness.Tolerance("threads", 0.10, 4, "count");

    @Test
    void aSteadyFigureWithNoiseIsFlat() {
        double[] values = IntStream.range(0, 100).mapToDouble(i -> 40 + (i % 3)).toArray();
        Flatness f = Flatness.judge(THREADS, values);
        assertThat(f.flat()).isTrue();
        assertThat(f.start()).isEqualTo(41);
        assertThat(f.limit()).isEqualTo(41 * 1.1 + 4);
    }

    @Test
    void aSteadyClimbIsNotFlat() {
        double[] values = IntStream.range(0, 100).mapToDouble(i -> 40 + i).toArray();
        Flatness f = Flatness.judge(THREADS, values);
        assertThat(f.flat()).isFalse();
        assertThat(f.end()).isGreaterThan(f.limit());
    }

    @Test
    void warmUpIsLeftOutAndAFallIsFlat() {
        // the first 10 % climb steeply (start-up), then the figure falls back and stays
        double[] values = IntStream.range(0, 100).mapToDouble(i -> i < 10 ? 10 * i : (i < 40 ? 80 : 60)).toArray();
        Flatness f = Flatness.judge(THREADS, values);
        assertThat(f.start()).isEqualTo(80);
        assertThat(f.end()).isEqualTo(60);
        assertThat(f.max()).isEqualTo(80);
        assertThat(f.flat()).isTrue();
    }

    @Test
    void noSamplesIsNotFlat() {
        assertThat(Flatness.judge(THREADS, new double[0]).flat()).isFalse();
    }
}
