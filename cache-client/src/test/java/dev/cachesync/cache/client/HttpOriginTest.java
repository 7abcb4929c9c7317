package dev.cachesync.cache.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.TestOrigin;
import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.http.CacheRequest;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The HTTP origin buffers a body only up to its cap; the rest stays an open stream for the caller. */
class HttpOriginTest {

    @Test
    void aBodyBeyondTheCapIsNotBufferedButStreamed() throws Exception {
        try (TestOrigin origin = TestOrigin.start()) {
            origin.route("/big", r -> Reply.ok("x".repeat(200_000)));
            origin.route("/small", r -> Reply.ok("y".repeat(1000)));
            HttpOrigin http = new HttpOrigin(HttpClient.newHttpClient(), Duration.ofSeconds(5), 1000);

            Origin.Response small = http.send(CacheRequest.get(origin.url("/small")));
            assertThat(small.complete()).isTrue();
            assertThat(small.body()).hasSize(1000);

            Origin.Response big = http.send(CacheRequest.get(origin.url("/big")));
            assertThat(big.complete()).isFalse();
            assertThat(big.body()).as("buffered: the cap and one byte to know it is beyond").hasSize(1001);
            try (InputStream rest = big.rest()) {
                assertThat(rest.readAllBytes()).hasSize(200_000 - 1001);
            }
        }
    }
}
