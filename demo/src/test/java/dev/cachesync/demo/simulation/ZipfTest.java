package dev.cachesync.demo.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ZipfTest {

    @Test
    void popularityFallsWithRank() {
        Zipf zipf = new Zipf(100, 1.0);
        double total = 0;
        for (int k = 0; k < 100; k++) {
            total += zipf.probability(k);
            if (k > 0) {
                assertThat(zipf.probability(k)).isLessThan(zipf.probability(k - 1));
            }
        }
        assertThat(total).isCloseTo(1.0, within(1e-9));
        assertThat(zipf.probability(0) / zipf.probability(1)).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void samplesFollowTheDistribution() {
        Zipf zipf = new Zipf(50, 1.0);
        Random random = new Random(1);
        int[] counts = new int[50];
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            counts[zipf.sample(random)]++;
        }
        assertThat(counts[0] / (double) n).isCloseTo(zipf.probability(0), within(0.01));
        assertThat(counts[9] / (double) n).isCloseTo(zipf.probability(9), within(0.01));
    }

    @Test
    void exponentZeroIsUniform() {
        Zipf zipf = new Zipf(4, 0);
        assertThat(zipf.probability(3)).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> new Zipf(0, 1)).hasMessageContaining("n must be > 0");
        assertThatThrownBy(() -> new Zipf(5, -1)).hasMessageContaining("exponent");
    }
}
