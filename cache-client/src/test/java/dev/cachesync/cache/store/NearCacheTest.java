package dev.cachesync.cache.store;

import static dev.cachesync.cache.TestRedis.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.TwoInstances;
import dev.cachesync.cache.purge.TagPurger;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.options.LocalCachedMapOptions;

/**
 * cache-client's own near cache on real Redis: it holds checked entries only, speaks Redisson's invalidation
 * format both ways (so releases that read through an {@code RLocalCachedMap} and this one invalidate each
 * other), never takes back a copy read before a purge, and is cleared when its subscription is re-established.
 */
class NearCacheTest extends TwoInstances {

    String prefix;
    CacheStore storeA;
    CacheStore storeB;
    TagPurger purger;

    @BeforeEach
    void stores() {
        prefix = TestRedis.uniquePrefix("near");
        var options = new CacheStore.Options(true, 100, Duration.ofSeconds(5));
        storeA = new CacheStore(redisA, prefix, options);
        storeB = new CacheStore(redisB, prefix, options);
        purger = TagPurger.create(redisA, prefix);
    }

    @AfterEach
    void close() {
        storeA.close();
        storeB.close();
    }

    static long future() {
        return System.currentTimeMillis() + 60_000;
    }

    @Test
    void aFillAndACheckedReadEnterTheNearCacheAndAnotherInstancesFillInvalidatesThem() {
        assertThat(storeA.fill("/p/1", entry("v1", storeA.sequence(), "product:1"), future()))
                .isEqualTo(CacheStore.FillOutcome.STORED);
        assertThat(storeA.readLocal("/p/1")).as("the filler holds what it stored").isNotNull();
        assertThat(storeB.read("/p/1")).isNotNull();
        assertThat(body(storeB.readLocal("/p/1"))).isEqualTo("v1");

        storeA.fill("/p/1", entry("v2", storeA.sequence(), "product:1"), future());

        await().atMost(Duration.ofSeconds(5)).until(() -> storeB.readLocal("/p/1") == null);
        assertThat(body(storeB.read("/p/1"))).isEqualTo("v2");
    }

    @Test
    void aRemovalThroughARedissonLocalCachedMapInvalidatesThisNearCache() {
        storeA.fill("/p/2", entry("v1", storeA.sequence(), "product:2"), future());
        TestRedis.readIntoNearCache(storeB, "/p/2");

        // a release that wrote through Redisson's RLocalCachedMap
        storeA.entriesMap().fastRemove("/p/2");

        await().atMost(Duration.ofSeconds(5)).until(() -> storeB.readLocal("/p/2") == null);
    }

    @Test
    void aPurgeAndAFillInvalidateARedissonLocalCachedMapsCopy() {
        RLocalCachedMap<String, CacheEntry> older = redisB.getLocalCachedMap(
                LocalCachedMapOptions.<String, CacheEntry>name(prefix + "entries").codec(EntryCodec.INSTANCE)
                        .cacheSize(100).syncStrategy(LocalCachedMapOptions.SyncStrategy.INVALIDATE));
        try {
            // the older release wrote these itself, so its local cache holds them (no message of its own drops them)
            older.fastPut("/p/3", entry("v1", storeA.sequence(), "product:3"));
            older.fastPut("/p/3b", entry("v1", storeA.sequence(), "product:3b"));
            assertThat(older.getCachedMap()).containsKeys("/p/3", "/p/3b");

            storeA.fill("/p/3", entry("v2", storeA.sequence(), "product:3"), future());
            await().atMost(Duration.ofSeconds(5)).until(() -> !older.getCachedMap().containsKey("/p/3"));
            assertThat(body(older.get("/p/3"))).isEqualTo("v2");

            purger.purgeKeys(List.of("/p/3b"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !older.getCachedMap().containsKey("/p/3b"));
        } finally {
            older.destroy();
        }
    }

    @Test
    void aReadThatBeganBeforeAPurgeNeverPutsItsCopyBackAfterThePurgesMessage() {
        storeA.fill("/p/4", entry("old", storeA.sequence(), "product:4"), future());
        storeA.fill("/p/witness", entry("w", storeA.sequence(), "product:4"), future());
        assertThat(storeB.read("/p/witness")).isNotNull();
        NearCache near = nearOf(storeB);
        // a read of /p/4 on B has been sent and seen the old entry...
        NearCache.Stamp stamp = near.stamp("/p/4");
        CacheEntry seenBeforeThePurge = storeB.readRaw("/p/4");

        // ...a purge runs and its message reaches B (seen by the witness it removed in the same message)...
        purger.purgeTags(List.of("product:4"));
        await().atMost(Duration.ofSeconds(5)).until(() -> storeB.readLocal("/p/witness") == null);

        // ...then the read's answer arrives: it must not enter the near cache
        near.putIfUnchanged("/p/4", seenBeforeThePurge, stamp);
        assertThat(storeB.readLocal("/p/4")).isNull();
    }

    @Test
    void aClearBroadcastEmptiesEveryNearCacheIncludingARedissonLocalCachedMaps() {
        RLocalCachedMap<String, CacheEntry> older = redisB.getLocalCachedMap(
                LocalCachedMapOptions.<String, CacheEntry>name(prefix + "entries").codec(EntryCodec.INSTANCE)
                        .cacheSize(100).syncStrategy(LocalCachedMapOptions.SyncStrategy.INVALIDATE));
        try {
            storeA.fill("/p/6", entry("v1", storeA.sequence(), "product:6"), future());
            TestRedis.readIntoNearCache(storeA, "/p/6");
            TestRedis.readIntoNearCache(storeB, "/p/6");
            assertThat(older.get("/p/6")).isNotNull();
            assertThat(older.getCachedMap()).containsKey("/p/6");

            // what the invalidator does after healing a Redis that lost data: the entries stay in Redis
            assertThat(purger.clearNearCachesEverywhere()).as("subscribers that heard it").isGreaterThanOrEqualTo(2);

            await().atMost(Duration.ofSeconds(5)).until(() -> storeA.readLocal("/p/6") == null
                    && storeB.readLocal("/p/6") == null && older.getCachedMap().isEmpty());
            assertThat(storeB.read("/p/6")).as("Redis keeps the entry").isNotNull();
        } finally {
            older.destroy();
        }
    }

    @Test
    void aLostSubscriptionClearsTheNearCacheWhenItIsReestablished() {
        storeA.fill("/p/5", entry("v1", storeA.sequence(), "product:5"), future());
        TestRedis.readIntoNearCache(storeB, "/p/5");

        long subscriptions = storeB.nearCacheSubscriptions();

        // the pub/sub connections drop (messages sent meanwhile would be lost); Redisson resubscribes
        killPubSubConnections();

        await().atMost(Duration.ofSeconds(10)).until(() -> storeB.nearCacheSubscriptions() > subscriptions);
        assertThat(storeB.readLocal("/p/5")).as("cleared before the resubscription was counted").isNull();
    }

    @Test
    void anEntryThatFailsItsCheckNeverEntersTheNearCache() {
        long t0 = storeA.sequence();
        purger.purgeTags(List.of("product:6"));
        storeA.entriesMap().fastPut("/p/6", entry("old", t0, "product:6")); // no fill check ran on it

        assertThat(storeB.read("/p/6")).isNull();
        assertThat(storeB.readLocal("/p/6")).isNull();
    }

    @Test
    void theNearCacheIsBoundedByNearCacheMaxEntries() {
        CacheStore small = new CacheStore(redisB, prefix, new CacheStore.Options(true, 3, Duration.ofSeconds(5)));
        try {
            for (int i = 0; i < 20; i++) {
                storeA.fill("/b/" + i, entry("v" + i, storeA.sequence(), "bulk"), future());
                assertThat(small.read("/b/" + i)).isNotNull();
            }
            nearOf(small).cleanUp();
            long held = java.util.stream.IntStream.range(0, 20).filter(i -> small.readLocal("/b/" + i) != null).count();
            assertThat(held).isBetween(1L, 3L);
        } finally {
            small.close();
        }
    }

    void killPubSubConnections() {
        try (var socket = new java.net.Socket(dev.cachesync.devstack.DevStack.redis().host(),
                dev.cachesync.devstack.DevStack.redis().port())) {
            socket.getOutputStream().write("CLIENT KILL TYPE pubsub\r\n".getBytes());
            socket.getOutputStream().flush();
            socket.getInputStream().read();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static NearCache nearOf(CacheStore store) {
        return store.nearCache();
    }

    static String body(CacheEntry entry) {
        return entry == null ? null : new String(entry.variants().get(0).body());
    }
}
