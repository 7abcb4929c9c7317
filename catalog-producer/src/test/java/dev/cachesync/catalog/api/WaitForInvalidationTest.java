package dev.cachesync.catalog.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaitForInvalidationTest {
    private static final Duration MAX = Duration.ofSeconds(10);

    @Test
    void withoutThePreferenceThereIsNoWait() {
        assertThat(WaitForInvalidation.requested(List.of(), MAX)).isEmpty();
        assertThat(WaitForInvalidation.requested(List.of("return=minimal, wait=5"), MAX)).isEmpty();
    }

    @Test
    void thePreferenceAloneWaitsTheServersMaximum() {
        assertThat(WaitForInvalidation.requested(List.of("wait-for-invalidation"), MAX)).hasValue(MAX);
        assertThat(WaitForInvalidation.requested(List.of("Wait-For-Invalidation; x=1"), MAX)).hasValue(MAX);
    }

    @Test
    void waitBoundsItInSecondsNeverBeyondTheMaximum() {
        assertThat(WaitForInvalidation.requested(List.of("wait-for-invalidation, wait=2"), MAX))
                .hasValue(Duration.ofSeconds(2));
        assertThat(WaitForInvalidation.requested(List.of("wait=3", "wait-for-invalidation"), MAX))
                .hasValue(Duration.ofSeconds(3));
        assertThat(WaitForInvalidation.requested(List.of("wait-for-invalidation, wait=3600"), MAX)).hasValue(MAX);
        assertThat(WaitForInvalidation.requested(List.of("wait-for-invalidation, wait=soon"), MAX)).hasValue(MAX);
        assertThat(WaitForInvalidation.requested(List.of("wait-for-invalidation, wait=-1"), MAX)).hasValue(MAX);
    }
}
