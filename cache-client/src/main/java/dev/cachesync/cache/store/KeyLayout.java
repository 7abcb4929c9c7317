package dev.cachesync.cache.store;

import java.net.URI;
import java.util.Objects;

/**
 * Every Redis key name cachesync uses, under one prefix (default {@code catalog-cache:}). Nothing else
 * builds key names, so the invalidator, the cache manager and every client agree on the layout.
 *
 * <pre>
 * {prefix}entries        hash behind the Redisson RLocalCachedMap: entry key -> CacheEntry
 * {prefix}entries:topic  ... and Redisson's invalidation topic (named by Redisson)
 * {prefix}tag:{tag}      set of entry keys carrying the tag
 * {prefix}expiry         sorted set: entry key scored by the time it may leave the store (epoch ms)
 * {prefix}sequence       the global purge sequence (INCR)
 * {prefix}fences         hash: tag -> sequence of its last purge; "key {entry key}" -> same for key purges;
 *                        "pruned below" -> the highest fence value pruned so far (a fence on every entry)
 * {prefix}lock:{key}     short fill lock, so instances do not stampede the origin
 * {prefix}applied        hash: invalidator input partition ("topic-partition") -> highest offset purged
 * </pre>
 */
public final class KeyLayout {

    public static final String DEFAULT_PREFIX = "catalog-cache:";

    private final String prefix;

    public KeyLayout(String prefix) {
        Objects.requireNonNull(prefix, "keyPrefix");
        if (prefix.isBlank()) {
            throw new IllegalArgumentException("keyPrefix must not be blank");
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    public String entries() {
        return prefix + "entries";
    }

    public String tagSet(String tag) {
        return prefix + "tag:" + tag;
    }

    public String expiryIndex() {
        return prefix + "expiry";
    }

    public String sequence() {
        return prefix + "sequence";
    }

    public String fences() {
        return prefix + "fences";
    }

    /** The fence field of a key purge; a space cannot occur in a tag, so it never collides with one. */
    public static String keyFenceField(String entryKey) {
        return "key " + entryKey;
    }

    /**
     * The fence field that stands for every pruned fence: the highest value pruned so far. It fences every tag
     * and key at once, so dropping a fence never lets through a fill that the dropped fence would have stopped.
     * A space cannot occur in a tag and it does not start with "key ", so it collides with no other field.
     */
    public static final String PRUNED_FENCE_FLOOR_FIELD = "pruned below";

    /** Where the invalidator records, per input partition, the highest offset whose purge Redis holds. */
    public String appliedOffsets() {
        return prefix + "applied";
    }

    public String fillLock(String entryKey) {
        return prefix + "lock:" + entryKey;
    }

    /** The cache key of a URL: its normalized absolute form. */
    public static String entryKey(URI url) {
        return url.normalize().toString();
    }
}
