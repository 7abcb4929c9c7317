package dev.cachesync.cache.purge;

import static dev.cachesync.cache.TestRedis.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.CacheFaultException;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.devstack.DevStack;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The purge and fill protocol on real Redis (devstack). */
class TagPurgerTest {

    static RedissonClient instanceA;
    static RedissonClient instanceB;
    String prefix;
    CacheStore storeA;
    CacheStore storeB;
    TagPurger purger;

    @BeforeAll
    static void connect() {
        instanceA = TestRedis.client(DevStack.redis());
        instanceB = TestRedis.client(DevStack.redis());
    }

    @AfterAll
    static void disconnect() {
        instanceA.shutdown();
        instanceB.shutdown();
    }

    @BeforeEach
    void stores() {
        prefix = TestRedis.uniquePrefix("purge");
        var options = new CacheStore.Options(true, 100, Duration.ofSeconds(5));
        storeA = new CacheStore(instanceA, prefix, options);
        storeB = new CacheStore(instanceB, prefix, options);
        purger = TagPurger.create(instanceA, prefix);
    }

    long future() {
        return System.currentTimeMillis() + 60_000;
    }

    @Test
    void tagPurgeIsExact() {
        storeA.fill("/users/1", entry("u1", storeA.sequence(), "user:1"), future());
        storeA.fill("/users/10", entry("u10", storeA.sequence(), "user:10"), future());
        storeA.fill("/superusers/1", entry("su1", storeA.sequence(), "superuser:1"), future());
        storeA.fill("/users/1/orders", entry("o", storeA.sequence(), "user:1", "orders"), future());

        PurgeResult result = purger.purge(List.of("user:1"), List.of());

        assertThat(result.tags()).containsExactly("user:1");
        assertThat(result.entriesRemoved()).isEqualTo(2);
        assertThat(result.targetedKeys()).containsExactlyInAnyOrder("/users/1", "/users/1/orders");
        assertThat(result.sequence()).isPositive();
        assertThat(storeB.read("/users/1")).isNull();
        assertThat(storeB.read("/users/1/orders")).isNull();
        assertThat(storeB.read("/users/10")).isNotNull();
        assertThat(storeB.read("/superusers/1")).isNotNull();
        // purged keys leave the tag sets; entries of other tags stay indexed
        assertThat(instanceA.getSet(prefix + "tag:user:1", StringCodec.INSTANCE).isExists()).isFalse();
        assertThat(instanceA.getSet(prefix + "tag:user:10", StringCodec.INSTANCE).readAll())
                .containsExactly("/users/10");
    }

    @Test
    void invalidTagIsRejectedByNameAndNothingIsPurged() {
        storeA.fill("/p/1", entry("p1", storeA.sequence(), "product:1"), future());
        long sequence = storeA.sequence();

        assertThatThrownBy(() -> purger.purge(List.of("product:1", "Product 2"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Product 2'");
        assertThat(storeA.read("/p/1")).isNotNull();
        assertThat(storeA.sequence()).as("no purge took a sequence").isEqualTo(sequence);
    }

    @Test
    void purgeByKeyAndByUrl() {
        storeA.fill("http://catalog/products/1", entry("p1", storeA.sequence()), future());
        storeA.fill("http://catalog/products/2", entry("p2", storeA.sequence()), future());

        assertThat(purger.purgeKeys(List.of("http://catalog/products/1")).entriesRemoved()).isEqualTo(1);
        assertThat(purger.purgeUrls(List.of(URI.create("http://catalog/products/./2"))).entriesRemoved()).isEqualTo(1);
        assertThat(storeA.read("http://catalog/products/1")).isNull();
        assertThat(storeA.read("http://catalog/products/2")).isNull();
    }

    @Test
    void fillThatStartedBeforeAPurgeIsDiscarded() {
        long t0 = storeA.sequence();           // fill step 1, then the origin is asked...
        purger.purgeTags(List.of("product:1")); // ...while the product changes and is purged

        CacheStore.FillOutcome outcome = storeA.fill("/p/1", entry("old body", t0, "product:1"), future());

        assertThat(outcome).isEqualTo(CacheStore.FillOutcome.DISCARDED_BY_FENCE);
        assertThat(storeB.read("/p/1")).isNull();
        assertThat(storeA.readLocal("/p/1")).isNull();
        // a fill that started after the purge is kept
        assertThat(storeA.fill("/p/1", entry("new body", storeA.sequence(), "product:1"), future()))
                .isEqualTo(CacheStore.FillOutcome.STORED);
    }

    @Test
    void keyPurgeFencesAFillInFlightToo() {
        long t0 = storeA.sequence();
        purger.purgeKeys(List.of("/p/9"));
        assertThat(storeA.fill("/p/9", entry("old", t0), future())).isEqualTo(CacheStore.FillOutcome.DISCARDED_BY_FENCE);
    }

    @Test
    void readRejectsAnEntryStoredBeforeItsFenceCheck() {
        long t0 = storeA.sequence();
        purger.purgeTags(List.of("product:5"));
        // a filler stored through Redisson and then died before its fence check
        storeA.entriesMap().fastPut("/p/5", entry("old", t0, "product:5"));

        assertThat(storeB.read("/p/5")).isNull();
        assertThat(storeA.readRaw("/p/5")).isNull();
    }

    @Test
    void aFillWhoseIndexingFailsLeavesNothingThatATagPurgeCannotFind() {
        // the tag set cannot be written (here: a key of the wrong type; in production: a timeout half-way)
        instanceA.getBucket(prefix + "tag:product:3", StringCodec.INSTANCE).set("not a set");

        assertThatThrownBy(() -> storeA.fill("/p/3", entry("v1", storeA.sequence(), "product:3"), future()))
                .isInstanceOf(CacheFaultException.class);
        assertThat(storeA.readRaw("/p/3")).as("no entry written outside its tag set").isNull();

        instanceA.getBucket(prefix + "tag:product:3").delete();
        assertThat(storeB.read("/p/3")).as("no entry outside its tag set may be served").isNull();
        purger.purgeTags(List.of("product:3"));
        assertThat(storeA.readRaw("/p/3")).as("nothing left behind by the half-done fill").isNull();
        assertThat(storeA.readLocal("/p/3")).isNull();
        assertThat(storeB.readLocal("/p/3")).isNull();
    }

    @Test
    void readRefusesAnEntryMissingFromItsTagSets() {
        // written by a filler that died before indexing it: the next purge of product:4 would not find it
        storeA.entriesMap().fastPut("/p/4", entry("unindexed", storeA.sequence(), "product:4"));

        assertThat(storeB.read("/p/4")).isNull();
        assertThat(storeB.readLocal("/p/4")).as("never enters a near cache").isNull();
        assertThat(storeA.readRaw("/p/4")).as("removed, so the next fill stores it properly").isNull();
    }

    @Test
    void aFenceCheckThatFailsDoesNotLeaveTheEntryInTheNearCache() {
        long t0 = storeA.sequence();
        purger.purgeTags(List.of("product:5"));
        storeA.entriesMap().fastPut("/p/5", entry("old", t0, "product:5")); // a filler that died before its check
        // the fence check fails (here: fences unreadable; in production: a timeout after the entry was read)
        instanceA.getKeys().rename(prefix + "fences", prefix + "fences-aside");
        instanceA.getBucket(prefix + "fences", StringCodec.INSTANCE).set("unreadable");

        assertThatThrownBy(() -> storeB.read("/p/5")).isInstanceOf(CacheFaultException.class);

        instanceA.getBucket(prefix + "fences").delete();
        instanceA.getKeys().rename(prefix + "fences-aside", prefix + "fences");
        assertThat(storeB.readLocal("/p/5")).as("an unchecked entry would be served from the near cache").isNull();
        assertThat(storeB.read("/p/5")).isNull();
    }

    @Test
    void purgeInvalidatesOtherInstancesNearCaches() {
        storeA.fill("/p/7", entry("v1", storeA.sequence(), "product:7"), future());
        TestRedis.readIntoNearCache(storeB, "/p/7");
        TestRedis.readIntoNearCache(storeA, "/p/7");

        purger.purgeTags(List.of("product:7"));

        // the purger removes through its own map: both stores' near caches learn of it by message, asynchronously
        await().atMost(Duration.ofSeconds(5))
                .until(() -> storeB.readLocal("/p/7") == null && storeA.readLocal("/p/7") == null);
    }

    @Test
    void expirySweepRemovesFromRedisNearCachesAndTagSets() {
        long past = System.currentTimeMillis() - 1;
        storeA.fill("/p/old", entry("old", storeA.sequence(), "product:old"), past);
        storeA.fill("/p/live", entry("live", storeA.sequence(), "product:live"), future());
        TestRedis.readIntoNearCache(storeB, "/p/old");

        assertThat(storeA.sweepExpired(System.currentTimeMillis(), 100)).isEqualTo(1);

        assertThat(storeA.readRaw("/p/old")).isNull();
        assertThat(storeA.readRaw("/p/live")).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> storeB.readLocal("/p/old") == null);
        assertThat(instanceA.getSet(prefix + "tag:product:old", StringCodec.INSTANCE).isExists()).isFalse();
        assertThat(storeA.expiryScore("/p/old")).isNull();
    }

    @Test
    void emptyPurgeDoesNothing() {
        PurgeResult result = purger.purge(List.of(), List.of());
        assertThat(result.entriesRemoved()).isZero();
        assertThat(result.targetedKeys()).isEmpty();
    }

    /** Far above Redis' Lua unpack limit (7,999 values on Redis 7.0: 8,000 failed in one call). */
    @Test
    void aPurgeOfTwentyThousandTagsAndTenThousandKeysRemovesEverythingAndFencesAllWithOneSequence() {
        CacheStore store = new CacheStore(instanceA, prefix, new CacheStore.Options(false, 1, Duration.ofSeconds(30)));
        long until = System.currentTimeMillis() + 60_000;
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            tags.add("bulk:" + i);
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            keys.add("/bulk/key/" + i);
        }
        store.fill("/first", entry("first", store.sequence(), "bulk:0"), until);
        store.fill("/middle", entry("middle", store.sequence(), "bulk:9999"), until);
        store.fill("/last", entry("last", store.sequence(), "bulk:19999"), until);
        store.fill("/bulk/key/9999", entry("by key", store.sequence(), "untouched"), until);
        store.fill("/kept", entry("kept", store.sequence(), "kept"), until);

        PurgeResult result = TagPurger.on(store, new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
                .purge(tags, keys);

        assertThat(result.entriesRemoved()).isEqualTo(4);
        assertThat(store.readRaw("/first")).isNull();
        assertThat(store.readRaw("/middle")).isNull();
        assertThat(store.readRaw("/last")).isNull();
        assertThat(store.readRaw("/bulk/key/9999")).isNull();
        assertThat(store.readRaw("/kept")).isNotNull();
        // read with HSCAN in pages: one HGETALL of 30,000 fields can outlast the client's 1 s timeout under load
        Map<String, String> fences = new HashMap<>();
        for (Map.Entry<String, String> fence : instanceA.<String, String>getMap(new KeyLayout(prefix).fences(),
                StringCodec.INSTANCE).entrySet(1_000)) {
            fences.put(fence.getKey(), fence.getValue());
        }
        assertThat(fences).hasSize(tags.size() + keys.size());
        assertThat(fences.values()).containsOnly(Long.toString(result.sequence()));
        // the purged keys left the tag sets; the entry that stayed is still indexed under its tag
        assertThat(instanceA.getSet(prefix + "tag:bulk:9999", StringCodec.INSTANCE).isExists()).isFalse();
        assertThat(instanceA.getSet(prefix + "tag:kept", StringCodec.INSTANCE).readAll()).containsExactly("/kept");
    }

    /** The record a log-fed purger (the invalidator) keeps in Redis to notice lost purges. */
    @Test
    void appliedOffsetsOnlyRiseAndALossIsReportedWithoutWriting() {
        assertThat(purger.recordApplied("events-0", 10, -1)).isEqualTo(-1);
        assertThat(purger.recordApplied("events-0", 7, 10)).as("an older batch never lowers it").isEqualTo(10);
        assertThat(purger.recordApplied("events-0", 12, 10)).isEqualTo(10);
        assertThat(purger.appliedOffsets()).isEqualTo(Map.of("events-0", 12L));

        // Redis goes back to an older state (as after a restart from an older snapshot)
        instanceA.getMap(prefix + "applied", StringCodec.INSTANCE).put("events-0", "5");
        assertThat(purger.recordApplied("events-0", 20, 12)).as("held less than recorded: a loss").isEqualTo(5);
        assertThat(purger.appliedOffsets()).as("nothing written over a loss").isEqualTo(Map.of("events-0", 5L));
    }
}
