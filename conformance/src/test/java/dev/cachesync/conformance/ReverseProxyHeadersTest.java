package dev.cachesync.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.http.Headers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The proxy forwards end-to-end fields only (RFC 9110 7.6.1). */
class ReverseProxyHeadersTest {

    @Test
    void hopByHopFieldsAndTheFieldsConnectionListsAreDropped() {
        Headers kept = ReverseProxy.endToEnd(Map.of(
                "Connection", List.of("close, X-Secret"),
                "X-Secret", List.of("1"),
                "Keep-Alive", List.of("timeout=5"),
                "TE", List.of("trailers"),
                "Trailer", List.of("X-Checksum"),
                "Transfer-Encoding", List.of("chunked"),
                "Upgrade", List.of("h2c"),
                "Proxy-Authorization", List.of("Basic eA=="),
                "Cache-Control", List.of("max-age=60"),
                "CDN-Cache-Control", List.of("max-age=3600")));

        assertThat(kept.asMap().keySet()).containsExactlyInAnyOrder("Cache-Control", "CDN-Cache-Control");
        assertThat(kept.all("CDN-Cache-Control")).as("targeted fields are forwarded").containsExactly("max-age=3600");
    }
}
