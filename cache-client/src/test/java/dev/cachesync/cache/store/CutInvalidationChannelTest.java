package dev.cachesync.cache.store;

import static dev.cachesync.cache.TestRedis.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.PubSubHoldingProxy;
import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.devstack.DevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.config.Config;

/**
 * The near-cache lease on real Redis: instance B reaches Redis through a proxy that holds its pub/sub connection
 * (a stalled or partitioned invalidation channel, which Redisson does not notice), while instance A purges. B
 * must stop serving the purged body from its near cache within the lease (the bound is lease, asserted with one
 * probe interval of slack), keep reading from Redis, and serve from its near cache again once the channel is back.
 */
class CutInvalidationChannelTest {

    static final Duration LEASE = CacheStore.DEFAULT_NEAR_CACHE_LEASE;
    static final Duration PROBE_INTERVAL = NearCacheLease.probeInterval(LEASE);

    PubSubHoldingProxy proxy;
    RedissonClient redisA;
    RedissonClient redisB;
    String prefix;
    CacheStore storeA;
    SimpleMeterRegistry registryB;
    CachingHttpClient clientB;
    CacheStore storeB;
    TagPurger purgerA;

    @BeforeEach
    void instances() {
        var redis = DevStack.redis();
        proxy = new PubSubHoldingProxy(redis.host(), redis.port());
        redisA = TestRedis.client(redis);
        redisB = clientThrough(proxy);
        prefix = TestRedis.uniquePrefix("lease");
        storeA = new CacheStore(redisA, prefix, new CacheStore.Options(true, 100, Duration.ofSeconds(5)));
        purgerA = TagPurger.create(redisA, prefix);
        registryB = new SimpleMeterRegistry();
        // B as an order service builds it: default lease, meters on its registry
        clientB = CachingHttpClient.builder().redisson(redisB).keyPrefix(prefix).meterRegistry(registryB)
                .sweepInterval(Duration.ZERO).build();
        storeB = clientB.store();
    }

    @AfterEach
    void close() {
        clientB.close();
        storeA.close();
        redisA.shutdown();
        redisB.shutdown();
        proxy.close();
    }

    /** One Redisson client whose every connection goes through the proxy. */
    static RedissonClient clientThrough(PubSubHoldingProxy proxy) {
        Config config = new Config();
        // no pings: a pinged pub/sub connection would be reconnected (and cleared) after a few seconds of hold;
        // a half-open connection is not noticed for minutes (TCP keepalive), which is the case the lease covers
        config.useSingleServer().setAddress(proxy.uri()).setConnectionMinimumIdleSize(2).setConnectionPoolSize(8)
                .setSubscriptionConnectionMinimumIdleSize(1).setRetryAttempts(1).setTimeout(1000)
                .setPingConnectionInterval(0);
        config.setThreads(2).setNettyThreads(4);
        return Redisson.create(config);
    }

    static long future() {
        return System.currentTimeMillis() + 60_000;
    }

    @Test
    void aCutChannelStopsNearHitsOfAPurgedEntryWithinTheLeaseReadsGoToRedisAndNearHitsResumeAfter() {
        storeA.fill("/p/purged", entry("old", storeA.sequence(), "product:1"), future());
        storeA.fill("/p/other", entry("other", storeA.sequence(), "product:2"), future());
        TestRedis.readIntoNearCache(storeB, "/p/purged");
        TestRedis.readIntoNearCache(storeB, "/p/other");
        assertThat(storeB.nearCacheLeaseHeld()).isTrue();
        var before = storeB.nearCacheEvents();

        proxy.hold();
        purgerA.purgeTags(List.of("product:1"));
        long acknowledged = System.nanoTime();

        // B does not hear the purge; it must stop serving the old body from its near cache by itself
        AtomicLong lastServedStale = new AtomicLong(acknowledged);
        await().atMost(LEASE.plus(PROBE_INTERVAL).plusSeconds(2)).pollInterval(Duration.ofMillis(2)).until(() -> {
            CacheEntry near = storeB.readLocal("/p/purged");
            if (near != null) {
                assertThat(NearCacheTest.body(near)).isEqualTo("old");
                lastServedStale.set(System.nanoTime());
                return false;
            }
            return true;
        });
        Duration staleFor = Duration.ofNanos(lastServedStale.get() - acknowledged);
        System.out.printf("[lease] near cache served the purged body for %d ms after the purge was acknowledged "
                + "(lease %d ms, probe interval %d ms)%n", staleFor.toMillis(), LEASE.toMillis(),
                PROBE_INTERVAL.toMillis());
        assertThat(staleFor).isLessThanOrEqualTo(LEASE.plus(PROBE_INTERVAL));
        assertThat(storeB.nearCacheLeaseHeld()).isFalse();

        // while cut: reads go to Redis (fenced and checked), nothing is served or taken from the near cache
        assertThat(storeB.read("/p/purged")).as("purged in Redis").isNull();
        assertThat(NearCacheTest.body(storeB.read("/p/other"))).isEqualTo("other");
        assertThat(storeB.readLocal("/p/other")).as("a Redis read does not feed a near cache without lease").isNull();
        await().during(PROBE_INTERVAL.multipliedBy(2)).atMost(Duration.ofSeconds(2))
                .until(() -> storeB.readLocal("/p/purged") == null && storeB.readLocal("/p/other") == null);
        await().atMost(Duration.ofSeconds(2)).until(() -> storeB.nearCacheEvents().leaseLost() > before.leaseLost());

        proxy.release();

        await().atMost(Duration.ofSeconds(5)).until(storeB::nearCacheLeaseHeld);
        var after = storeB.nearCacheEvents();
        assertThat(after.leaseLost()).isEqualTo(before.leaseLost() + 1);
        assertThat(after.leaseRegained()).isEqualTo(before.leaseRegained() + 1);
        assertThat(after.cleared()).as("cleared when the lease came back").isGreaterThan(before.cleared());
        assertThat(storeB.readLocal("/p/purged")).isNull();
        TestRedis.readIntoNearCache(storeB, "/p/other");
        assertThat(NearCacheTest.body(storeB.readLocal("/p/other"))).isEqualTo("other");

        assertThat(registryB.get("cache.near.lease.lost").functionCounter().count())
                .isEqualTo(after.leaseLost());
        assertThat(registryB.get("cache.near.lease.regained").functionCounter().count())
                .isEqualTo(after.leaseRegained());
        assertThat(registryB.get("cache.near.cleared").functionCounter().count()).isEqualTo(after.cleared());
    }

    @Test
    void aReadThatBeganBeforeTheLapseNeverPutsItsCopyAfterTheLeaseIsRegained() {
        storeA.fill("/p/1", entry("v1", storeA.sequence(), "product:1"), future());
        TestRedis.readIntoNearCache(storeB, "/p/1");
        NearCache near = storeB.nearCache();
        // a read of /p/1 was sent while the lease held...
        NearCache.Stamp stamp = near.stamp("/p/1");
        CacheEntry seen = storeB.readRaw("/p/1");

        // ...the channel is cut (a purge may be lost meanwhile) and comes back...
        proxy.hold();
        await().atMost(LEASE.plusSeconds(2)).until(() -> !storeB.nearCacheLeaseHeld());
        long regained = storeB.nearCacheEvents().leaseRegained();
        proxy.release();
        await().atMost(Duration.ofSeconds(5)).until(() -> storeB.nearCacheEvents().leaseRegained() > regained);

        // ...then the read's answer arrives: it must not enter the near cache (the regain's clear moved its stamp)
        assertThat(near.putIfUnchanged("/p/1", seen, stamp)).isFalse();
        assertThat(storeB.readLocal("/p/1")).isNull();
    }

    @Test
    void probesRemoveNothingFromARedissonLocalCachedMapNorFromAnotherInstancesNearCache() {
        RLocalCachedMap<String, CacheEntry> older = redisA.getLocalCachedMap(
                LocalCachedMapOptions.<String, CacheEntry>name(prefix + "entries").codec(EntryCodec.INSTANCE)
                        .cacheSize(100).syncStrategy(LocalCachedMapOptions.SyncStrategy.INVALIDATE));
        try {
            older.fastPut("/p/old", entry("v1", storeA.sequence(), "product:9"));
            storeA.fill("/p/new", entry("v1", storeA.sequence(), "product:9"), future());
            TestRedis.readIntoNearCache(storeA, "/p/new");
            TestRedis.readIntoNearCache(storeB, "/p/new");
            assertThat(older.getCachedMap()).containsKey("/p/old");
            long probesA = storeA.nearCache().probesReturned();
            long probesB = storeB.nearCache().probesReturned();

            // several probes of both instances cross the channel the map and both near caches listen to
            await().atMost(Duration.ofSeconds(5)).until(() -> storeA.nearCache().probesReturned() >= probesA + 3
                    && storeB.nearCache().probesReturned() >= probesB + 3);

            assertThat(older.getCachedMap()).containsKey("/p/old");
            assertThat(storeA.readLocal("/p/new")).isNotNull();
            assertThat(storeB.readLocal("/p/new")).isNotNull();
            assertThat(storeB.nearCacheEvents().leaseLost()).isZero();
        } finally {
            older.destroy();
        }
    }
}
