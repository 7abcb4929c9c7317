package dev.cachesync.demo.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TtlMemoryCacheTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(100 * SECOND);
    private final TtlMemoryCache cache = new TtlMemoryCache(now::get);

    @Test
    void keepsAResponseForItsMaxAgeCountedFromTheRequest() {
        cache.put("k", 200, "v1".getBytes(), "public, max-age=5, stale-while-revalidate=5", now.get() - SECOND);
        now.addAndGet(3 * SECOND);
        assertThat(cache.get("k")).isNotNull();
        assertThat(new String(cache.get("k").body())).isEqualTo("v1");
        now.addAndGet(SECOND); // 5 s after the request
        assertThat(cache.get("k")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void knowsNothingOfChanges() {
        cache.put("k", 200, "old".getBytes(), "max-age=60", now.get());
        // the origin changed meanwhile; the map still answers with what it has
        now.addAndGet(30 * SECOND);
        assertThat(new String(cache.get("k").body())).isEqualTo("old");
    }

    @Test
    void storesOnlyWhatMayBeReused() {
        cache.put("a", 200, new byte[0], "no-store, max-age=60", now.get());
        cache.put("b", 200, new byte[0], "private, max-age=60", now.get());
        cache.put("c", 200, new byte[0], null, now.get());
        cache.put("d", 404, new byte[0], "max-age=60", now.get());
        cache.put("e", 200, new byte[0], "max-age=0", now.get());
        cache.put("f", 200, new byte[0], "max-age=soon", now.get());
        assertThat(cache.size()).isZero();
    }

    @Test
    void readsMaxAge() {
        assertThat(TtlMemoryCache.maxAgeSeconds("public, MAX-AGE=30")).hasValue(30);
        assertThat(TtlMemoryCache.maxAgeSeconds("max-age=\"7\"")).hasValue(7);
        assertThat(TtlMemoryCache.maxAgeSeconds("public")).isEmpty();
    }
}
