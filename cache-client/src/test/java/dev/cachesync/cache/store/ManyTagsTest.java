package dev.cachesync.cache.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.TestRedis;
import dev.cachesync.devstack.DevStack;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** The fill and read scripts take any number of tags (Lua's unpack stops near 8,000 values on Redis 7.0). */
class ManyTagsTest {

    static RedissonClient redisson;

    @BeforeAll
    static void connect() {
        redisson = TestRedis.client(DevStack.redis());
    }

    @AfterAll
    static void disconnect() {
        redisson.shutdown();
    }

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
