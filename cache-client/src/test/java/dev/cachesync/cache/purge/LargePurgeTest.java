package dev.cachesync.cache.purge;

import static dev.cachesync.cache.TestRedis.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.devstack.DevStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Purges far above Redis' Lua {@code unpack} limit (7,999 values on Redis 7.0: 8,000 fail) on real Redis: they
 * must work, and every tag and key must be fenced with the purge's one sequence.
 */
class LargePurgeTest {

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
    void aPurgeOfTwentyThousandTagsAndTenThousandKeysRemovesEverythingAndFencesAllWithOneSequence() {
        String prefix = TestRedis.uniquePrefix("large");
        CacheStore store = new CacheStore(redisson, prefix, new CacheStore.Options(false, 1, Duration.ofSeconds(30)));
        long until = System.currentTimeMillis() + 60_000;
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            tags.add("bulk:" + i);
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            keys.add("/bulk/key/" + i);
        }
        store.fill("/first", entry("first", 0, "bulk:0"), until);
        store.fill("/middle", entry("middle", 0, "bulk:9999"), until);
        store.fill("/last", entry("last", 0, "bulk:19999"), until);
        store.fill("/bulk/key/9999", entry("by key", 0, "untouched"), until);
        store.fill("/kept", entry("kept", 0, "kept"), until);

        PurgeResult result = TagPurger.on(store, new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
                .purge(tags, keys);

        assertThat(result.keysPurged()).isEqualTo(4);
        assertThat(store.readRaw("/first")).isNull();
        assertThat(store.readRaw("/middle")).isNull();
        assertThat(store.readRaw("/last")).isNull();
        assertThat(store.readRaw("/bulk/key/9999")).isNull();
        assertThat(store.readRaw("/kept")).isNotNull();
        // read with HSCAN in pages: one HGETALL of 30,000 fields can outlast the client's 1 s timeout under load
        Map<String, String> fences = new HashMap<>();
        for (Map.Entry<String, String> fence : redisson.<String, String>getMap(new KeyLayout(prefix).fences(),
                StringCodec.INSTANCE).entrySet(1_000)) {
            fences.put(fence.getKey(), fence.getValue());
        }
        assertThat(fences).hasSize(tags.size() + keys.size());
        assertThat(fences.values()).containsOnly(Long.toString(result.sequence()));
        // the purged keys left the tag sets; the entry that stayed is still indexed under its tag
        assertThat(redisson.getSet(prefix + "tag:bulk:9999", StringCodec.INSTANCE).isExists()).isFalse();
        assertThat(redisson.getSet(prefix + "tag:kept", StringCodec.INSTANCE).readAll()).containsExactly("/kept");
    }
}
