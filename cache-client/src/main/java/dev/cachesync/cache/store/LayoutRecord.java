package dev.cachesync.cache.store;

import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a store whose segment count differs from the one the cache under its prefix was laid out with. Instances,
 * the invalidator and the cache manager of one prefix must agree on it: one with another count would look for an
 * entry in another segment, and its purges would miss the others' entries (stale content until max-age, silently).
 * The first store to start records its layout ({@code SET NX}); every later one compares (docs/protocol.md,
 * "Picking S").
 */
final class LayoutRecord {
    private static final Logger log = LoggerFactory.getLogger(LayoutRecord.class);

    private LayoutRecord() {
    }

    /**
     * Records or checks the layout; throws {@link IllegalStateException} on a mismatch. When Redis cannot be asked
     * (down while the service starts) it logs and lets the store start: a cache reader must not fail on a Redis
     * outage, and a mismatch is a deployment error the next start (or another instance) reports.
     */
    static void check(RedissonClient client, Segments segments) {
        String key = segments.base().layoutRecord();
        String mine = segments.describe();
        RBucket<String> record = client.getBucket(key, StringCodec.INSTANCE);
        String recorded;
        try {
            if (record.setIfAbsent(mine)) {
                return;
            }
            recorded = record.get();
        } catch (RedisException e) {
            log.warn("[Cache] could not check the cache layout under {} ({}): Redis unavailable ({}); starting "
                    + "without the check", segments.base().prefix(), mine, e.toString());
            return;
        }
        if (recorded != null && !recorded.equals(mine)) {
            throw new IllegalStateException("the cache under prefix '" + segments.base().prefix() + "' is laid out as "
                    + recorded + " (recorded in " + key + "), this store is configured as " + mine + " (the segment "
                    + "count is REDIS_CLUSTER_SEGMENTS, builder clusterSegments): its reads and purges would miss "
                    + "the other instances' entries. Use the same count everywhere, or a new REDIS_KEY_PREFIX for a "
                    + "new layout");
        }
    }
}
