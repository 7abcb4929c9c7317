package dev.cachesync.cache.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.http.Headers;
import dev.cachesync.cache.http.StoredResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EntryCodecTest {

    @Test
    void roundTripsEveryField() throws Exception {
        StoredResponse german = new StoredResponse(200, Headers.of("Vary", "Accept-Language", "Set-X", "a",
                "set-x", "b", "ETag", "\"é\""), "Grüße".getBytes("UTF-8"), 10, 20, Map.of("accept-language", "de"),
                Set.of("product:1", "category:shoes"), 42);
        StoredResponse none = new StoredResponse(404, Headers.EMPTY, new byte[0], 1, 2, Map.of(), Set.of(), 0);
        CacheEntry entry = new CacheEntry(List.of(german, none));

        CacheEntry back = EntryCodec.fromBytes(EntryCodec.toBytes(entry));

        assertThat(back).isEqualTo(entry);
        assertThat(back.variants().get(0).headers().all("SET-X")).containsExactly("a", "b");
    }
}
