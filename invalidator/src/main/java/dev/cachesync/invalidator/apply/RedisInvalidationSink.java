package dev.cachesync.invalidator.apply;

import java.util.Set;

import dev.cachesync.cache.purge.PurgeResult;
import dev.cachesync.cache.purge.TagPurger;
import org.redisson.api.RedissonClient;

/** Purges through cache-client, which owns the Redis key layout and the purge algorithm. */
public final class RedisInvalidationSink implements InvalidationSink {
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
    public boolean isAvailable() {
        try {
            redisson.getBucket("cachesync:health-probe").isExists();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
