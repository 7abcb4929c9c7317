package dev.cachesync.cache.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.OneInstance;
import dev.cachesync.cache.TestRedis;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The fill and read scripts take any number of tags (Lua's unpack stops near 8,000 values on Redis 7.0). */
class ManyTagsTest extends OneInstance {


    @Test
    void anEntryWithTwentyThousandTagsIsFilledAndReadBack() {
        CacheStore store = new CacheStore(redisson, TestRedis.uniquePrefix("many-tags"),
                new CacheStore.Options(false, 1, Duration.ofSeconds(30)));
        String[] tags = IntStream.range(0, 20_000).mapToObj(i -> "t:" + i).toArray(String[]::new);

        CacheStore.FillOutcome outcome = store.fill("/many", TestRedis.entry("body", store.sequence(), tags),
                System.currentTimeMillis() + 60_000);

        assertThat(outcome).isEqualTo(CacheStore.FillOutcome.STORED);
        CacheEntry read = store.read("/many");
        assertThat(read).isNotNull();
        assertThat(read.tags()).hasSize(20_000);
    }
}
