package dev.cachesync.invalidator.apply;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.cachesync.cache.purge.PurgeResult;
import dev.cachesync.cache.purge.TagPurger;
import org.redisson.api.RedissonClient;

/** Purges through cache-client, which owns the Redis key layout and the purge algorithm. */
public final class RedisInvalidationSink implements InvalidationSink {
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    private final RedissonClient redisson;
    private final TagPurger purger;

    public RedisInvalidationSink(RedissonClient redisson, String keyPrefix) {
        this.redisson = redisson;
        this.purger = TagPurger.create(redisson, keyPrefix);
    }

    @Override
    public Purged purge(Set<String> tags, Set<String> keys) {
        PurgeResult result = purger.purge(tags, keys);
        return new Purged(result.sequence(), result.keysPurged());
    }

    @Override
    public long recordApplied(String source, long offset, long expectedAtLeast) {
        return purger.recordApplied(source, offset, expectedAtLeast);
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
