package dev.cachesync.cache.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A wrong setting fails where it is set, with a message that names the option (no Redis needed). */
class BuilderValidationTest {

    @Test
    void negativeDurationsNameTheirOption() {
        Duration negative = Duration.ofMillis(-1);
        assertThatThrownBy(() -> CachingHttpClient.builder().redisRetryAfter(negative))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redisRetryAfter");
        assertThatThrownBy(() -> CachingHttpClient.builder().fillLockWait(negative))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fillLockWait");
        assertThatThrownBy(() -> CachingHttpClient.builder().staleRetention(negative))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("staleRetention");
        assertThatThrownBy(() -> CachingHttpClient.builder().sweepInterval(negative))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sweepInterval");
        assertThatThrownBy(() -> CachingHttpClient.builder().redisTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redisTimeout");
    }

    @Test
    void zeroIsAllowedWhereItMeansOff() {
        CachingHttpClient.builder().sweepInterval(Duration.ZERO).fillLockWait(Duration.ZERO)
                .staleRetention(Duration.ZERO).redisRetryAfter(Duration.ZERO);
    }

    @Test
    void anOriginMustBeAbsoluteAndAPrefixNotBlank() {
        assertThatThrownBy(() -> CachingHttpClient.builder().origin(URI.create("/products/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("origin");
        assertThatThrownBy(() -> CachingHttpClient.builder().keyPrefix(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
    }

    @Test
    void anHttpClientBesideACustomOriginIsAConflictNotASilentNoOp() {
        Origin custom = request -> {
            throw new UnsupportedOperationException();
        };
        assertThatThrownBy(() -> CachingHttpClient.builder().origin(custom).httpClient(HttpClient.newHttpClient())
                .build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("httpClient")
                .hasMessageContaining("origin(Origin)");
    }
}
