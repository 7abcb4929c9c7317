package dev.cachesync.invalidator.apply;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.cachesync.cache.purge.PurgeResult;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.cache.store.Segments;
import org.redisson.api.RedissonClient;

/** Purges through cache-client, which owns the Redis key layout and the purge algorithm. */
public final class RedisInvalidationSink implements InvalidationSink {
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    private final RedissonClient redisson;
    private final TagPurger purger;
    private final int waitReplicas;
    private final Duration waitTimeout;

    /**
     * @param waitReplicas how many replicas must hold each recorded offset, and the purges before it (0: none)
     * @param waitTimeout  how long to wait for them before the record is retried
     */
    public RedisInvalidationSink(RedissonClient redisson, String keyPrefix, int waitReplicas, Duration waitTimeout) {
        this(redisson, keyPrefix, waitReplicas, waitTimeout, Segments.DEFAULT_CLUSTER_SEGMENTS);
    }

    /** @param clusterSegments the cache's segment count on a Redis Cluster (ignored on standalone Redis) */
    public RedisInvalidationSink(RedissonClient redisson, String keyPrefix, int waitReplicas, Duration waitTimeout,
                                 int clusterSegments) {
        this.redisson = redisson;
        this.purger = TagPurger.create(redisson, keyPrefix, io.micrometer.core.instrument.Metrics.globalRegistry,
                clusterSegments);
        this.waitReplicas = waitReplicas;
        this.waitTimeout = waitTimeout;
    }

    @Override
    public Purged purge(Set<String> tags, Set<String> keys) {
        // a command's key is a URL as a person spelled it: the cache's one normalisation finds its entry
        Set<String> entryKeys = new java.util.LinkedHashSet<>();
        keys.forEach(key -> entryKeys.add(KeyLayout.entryKey(key)));
        PurgeResult result = purger.purge(tags, entryKeys);
        return new Purged(result.sequence(), result.entriesRemoved());
    }

    @Override
    public long recordApplied(String source, long offset, long expectedAtLeast) {
        return purger.recordApplied(source, offset, expectedAtLeast, waitReplicas, waitTimeout);
    }

    @Override
    public void clearNearCaches() {
        purger.clearNearCachesEverywhere();
    }

    @Override
    public java.util.Map<String, Long> appliedOffsets() {
        return purger.appliedOffsets();
    }

    /** Bounded: a Redis that hangs makes the readiness probe answer "not ready" quickly, not hang with it. */
    @Override
    public boolean isAvailable() {
        try {
            redisson.getBucket("cachesync:health-probe").isExistsAsync().toCompletableFuture()
                    .get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        }
    }
}
