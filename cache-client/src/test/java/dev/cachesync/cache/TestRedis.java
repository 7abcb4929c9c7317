package dev.cachesync.cache;

import dev.cachesync.cache.http.Headers;
import dev.cachesync.cache.http.StoredResponse;
import dev.cachesync.cache.store.CacheEntry;
import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.cache.store.Segments;
import dev.cachesync.devstack.RedisCluster;
import dev.cachesync.devstack.RedisServer;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** Test helpers: a fresh Redisson client per simulated instance, and unique key prefixes. */
public final class TestRedis {

    private TestRedis() {
    }

    public static RedissonClient client(RedisServer redis) {
        Config config = new Config();
        config.useSingleServer().setAddress(redis.uri()).setConnectionMinimumIdleSize(2)
                .setConnectionPoolSize(8).setSubscriptionConnectionMinimumIdleSize(1)
                .setRetryAttempts(1).setTimeout(1000);
        config.setThreads(2).setNettyThreads(4);
        return Redisson.create(config);
    }

    /**
     * A client of a Redis Cluster configured as {@code REDIS_CLUSTER_NODES} configures it ({@link RedisSettings}:
     * reads on primaries, topology rescanned every second), with the test pool sizes.
     */
    public static RedissonClient client(RedisCluster cluster) {
        Config config = new RedisSettings("127.0.0.1", 6379, KeyLayout.DEFAULT_PREFIX, false)
                .withCluster(cluster.uris(), Segments.DEFAULT_CLUSTER_SEGMENTS).redissonConfig();
        config.setLazyInitialization(false);
        config.useClusterServers().setMasterConnectionMinimumIdleSize(2).setMasterConnectionPoolSize(8)
                .setSubscriptionConnectionMinimumIdleSize(1).setSlaveConnectionMinimumIdleSize(1)
                .setSlaveConnectionPoolSize(2).setRetryAttempts(3).setRetryInterval(500).setTimeout(1000);
        config.setThreads(2).setNettyThreads(4);
        return Redisson.create(config);
    }

    /**
     * Reads {@code key} through {@code store} until its near cache holds it: a new store's subscription event can
     * clear its near cache just after the first read (a resubscription clears, and Redisson may deliver the first
     * subscription's event late), so a test that needs a near copy waits for that condition instead of assuming it.
     */
    public static void readIntoNearCache(dev.cachesync.cache.store.CacheStore store, String key) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> store.read(key) != null && store.readLocal(key) != null);
    }

    public static String uniquePrefix(String name) {
        return "test-" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    public static CacheEntry entry(String body, long fillSequence, String... tags) {
        return CacheEntry.of(new StoredResponse(200, Headers.of("Cache-Control", "max-age=60"), body.getBytes(),
                System.currentTimeMillis(), System.currentTimeMillis(), Map.of(), Set.of(tags), fillSequence));
    }
}
