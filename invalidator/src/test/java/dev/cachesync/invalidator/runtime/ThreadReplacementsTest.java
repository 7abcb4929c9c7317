package dev.cachesync.invalidator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ThreadReplacementsTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void failuresInARowWaitLongerUpToAMinuteAndACalmPeriodStartsOver() {
        ThreadReplacements replacements = new ThreadReplacements();
        long now = 0;
        long[] expected = {1, 2, 4, 8, 16, 32, 60, 60};
        for (long seconds : expected) {
            assertThat(replacements.delayFor(now)).isEqualTo(Duration.ofSeconds(seconds));
            now += seconds * SECOND;
        }
        now += ThreadReplacements.CALM.toNanos() + SECOND;
        assertThat(replacements.delayFor(now)).isEqualTo(Duration.ofSeconds(1));
    }
}
