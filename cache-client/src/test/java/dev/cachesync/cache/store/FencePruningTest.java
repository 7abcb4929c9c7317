package dev.cachesync.cache.store;

import static dev.cachesync.cache.TestRedis.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.devstack.DevStack;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Fences older than the horizon (2 x maxEntryLifetime) are pruned without weakening the purge: the floor they
 * leave refuses every fill and entry they would have refused (real Redis via devstack).
 */
class FencePruningTest {

    static final Duration LIFETIME = Duration.ofHours(1);
    static final long HORIZON_MICROS = LIFETIME.multipliedBy(2).toNanos() / 1000;
    static final long MINUTE_MICROS = 60_000_000L;

    static RedissonClient redisson;
    String prefix;
    CacheStore store;
    TagPurger purger;
    RMap<String, String> fences;

    @BeforeAll
    static void connect() {
        redisson = TestRedis.client(DevStack.redis());
    }

    @AfterAll
    static void disconnect() {
        redisson.shutdown();
    }

    @BeforeEach
    void store() {
        prefix = TestRedis.uniquePrefix("prune");
        store = new CacheStore(redisson, prefix, new CacheStore.Options(false, 1, Duration.ofSeconds(5), LIFETIME));
        purger = TagPurger.create(redisson, prefix);
        fences = redisson.getMap(prefix + "fences", StringCodec.INSTANCE);
    }

    long future() {
        return System.currentTimeMillis() + 60_000;
    }

    /** A purge now; its sequence is Redis TIME in µs, so "old" fences are written relative to it. */
    long purgeNow(String tag) {
        return purger.purgeTags(List.of(tag)).sequence();
    }

    @Test
    void pruningDropsFencesOlderThanTheHorizonAndKeepsRecentOnes() {
        long now = purgeNow("product:recent");
        long old = now - HORIZON_MICROS - MINUTE_MICROS;
        fences.put("product:old", Long.toString(old));
        fences.put(KeyLayout.keyFenceField("http://catalog/products/old"), Long.toString(old - MINUTE_MICROS));
        fences.put("product:almost-old", Long.toString(now - HORIZON_MICROS + 10 * MINUTE_MICROS));

        assertThat(store.pruneFences(100)).isEqualTo(2);

        assertThat(fences.keySet()).containsExactlyInAnyOrder("product:recent", "product:almost-old",
                KeyLayout.PRUNED_FENCE_FLOOR_FIELD);
        assertThat(store.prunedFenceFloor()).as("the highest pruned value").isEqualTo(old);
        assertThat(store.fenceCount()).isEqualTo(2);
        assertThat(store.pruneFences(100)).as("nothing left to prune").isZero();
        assertThat(store.prunedFenceFloor()).isEqualTo(old);
    }

    @Test
    void aFillThatStartedBeforeAPrunedFenceIsStillRefused() {
        long now = purgeNow("product:recent");
        long pruned = now - HORIZON_MICROS - MINUTE_MICROS;
        fences.put("product:1", Long.toString(pruned));
        long t0 = pruned - 1; // read before that purge, i.e. more than the horizon ago
        // ...in a dataset that began before it (without this the fill would be refused as one from before a data loss)
        redisson.getBucket(new KeyLayout(prefix).epoch(), StringCodec.INSTANCE).set(Long.toString(t0 - 1));
        assertThat(store.pruneFences(100)).isEqualTo(1);
        assertThat(fences.containsKey("product:1")).isFalse();

        assertThat(store.fill("/p/1", entry("old body", t0, "product:1"), future()))
                .as("the purge of product:1 still fences it").isEqualTo(CacheStore.FillOutcome.DISCARDED_BY_FENCE);
        assertThat(store.fill("/p/2", entry("old body", t0, "product:2"), future()))
                .as("a fill older than the horizon is refused whatever its tags")
                .isEqualTo(CacheStore.FillOutcome.DISCARDED_BY_FENCE);
        assertThat(store.readRaw("/p/1")).isNull();
        assertThat(store.readRaw("/p/2")).isNull();
        assertThat(store.fill("/p/1", entry("new body", store.sequence(), "product:1"), future()))
                .as("a fill that starts now is kept").isEqualTo(CacheStore.FillOutcome.STORED);
        assertThat(store.read("/p/1")).isNotNull();
    }

    @Test
    void anEntryStoredBeforeAPrunedFenceIsNotReadBack() {
        long now = purgeNow("product:recent");
        long pruned = now - HORIZON_MICROS - MINUTE_MICROS;
        fences.put("product:3", Long.toString(pruned));
        // written by a filler that started before that purge and died before its fence check
        store.entriesMap().fastPut("/p/3", entry("old body", pruned - 1));
        assertThat(store.pruneFences(100)).isEqualTo(1);

        assertThat(store.read("/p/3")).isNull();
        assertThat(store.readRaw("/p/3")).as("removed by the read check").isNull();
    }

    @Test
    void aLargeFenceHashIsPrunedCompletelyInSmallBatches() {
        long now = purgeNow("product:recent");
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            many.put("product:" + i, Long.toString(now - HORIZON_MICROS - MINUTE_MICROS - i));
        }
        fences.putAll(many);

        assertThat(store.pruneFences(50)).isEqualTo(3000);

        assertThat(fences.keySet()).containsExactlyInAnyOrder("product:recent", KeyLayout.PRUNED_FENCE_FLOOR_FIELD);
        assertThat(store.prunedFenceFloor()).isEqualTo(now - HORIZON_MICROS - MINUTE_MICROS);
    }

    @Test
    void withATinyLifetimeAPurgeFenceIsPrunedByRedisTimeAndItsFillStaysRefused() {
        CacheStore shortLived = new CacheStore(redisson, prefix,
                new CacheStore.Options(false, 1, Duration.ofSeconds(5), Duration.ofMillis(200)));
        long t0 = shortLived.sequence();       // a fill asks the origin...
        purger.purgeTags(List.of("product:7")); // ...while the product changes and is purged

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> shortLived.pruneFences(100) > 0 || !fences.containsKey("product:7"));

        assertThat(fences.containsKey("product:7")).isFalse();
        assertThat(shortLived.fill("/p/7", entry("old body", t0, "product:7"), future()))
                .isEqualTo(CacheStore.FillOutcome.DISCARDED_BY_FENCE);
        assertThat(shortLived.readRaw("/p/7")).isNull();
    }
}
