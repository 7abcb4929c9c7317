package dev.cachesync.auditor.nines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NinesTest {

    @Test
    void oneStaleInAThousandIsThreeNinesAndOneInAMillionSix() {
        assertThat(Nines.of(1, 1_000)).isCloseTo(3.0, within(1e-9));
        assertThat(Nines.of(1, 1_000_000)).isCloseTo(6.0, within(1e-9));
        assertThat(Nines.of(5, 100)).isCloseTo(-Math.log10(0.05), within(1e-9)); // 1.30: 95 % consistent
        assertThat(Nines.of(10, 10)).isCloseTo(0.0, within(1e-9)); // everything stale
    }

    @Test
    void zeroStaleCountsAsHalfAStaleCheckSoItGrowsWithTheChecksAndTheFirstStaleLowersIt() {
        assertThat(Nines.of(0, 1_000)).isCloseTo(Math.log10(2_000), within(1e-9)); // 3.30
        assertThat(Nines.of(0, 10_000)).isGreaterThan(Nines.of(0, 1_000));
        for (long checks : new long[] {2, 10, 1_000, 1_000_000}) {
            assertThat(Nines.of(1, checks + 1)).as("first stale after %d clean checks", checks)
                    .isLessThan(Nines.of(0, checks));
        }
        assertThat(Nines.of(0, 1)).isFinite().isPositive();
    }

    @Test
    void noCheckIsNotANumberAndImpossibleCountsAreRefused() {
        assertThat(Nines.of(0, 0)).isNaN();
        assertThatThrownBy(() -> Nines.of(2, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Nines.of(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWindowForgetsChecksOlderThanItsLength() {
        AtomicLong now = new AtomicLong(1_000_000);
        CheckWindow window = new CheckWindow(Duration.ofSeconds(60), now::get); // buckets of 1 s
        window.record(999, 1);
        assertThat(window.counts().nines()).isCloseTo(3.0, within(1e-9));

        now.addAndGet(30_000);
        window.record(1_000, 0);
        assertThat(window.counts()).isEqualTo(new CheckWindow.Counts(1_999, 1));

        now.addAndGet(30_000); // the first bucket is now 60 s old: out
        assertThat(window.counts()).isEqualTo(new CheckWindow.Counts(1_000, 0));
        assertThat(window.counts().nines()).isCloseTo(Math.log10(2_000), within(1e-9));

        now.addAndGet(120_000);
        assertThat(window.counts().checks()).isZero();
        assertThat(window.counts().nines()).isNaN();
    }
}
