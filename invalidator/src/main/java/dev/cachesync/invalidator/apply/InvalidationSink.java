package dev.cachesync.invalidator.apply;

import java.util.Set;

/**
 * Where purges go. In production, Redis through cache-client's {@code TagPurger}; in topology tests, a list.
 * Returns only after the purge is acknowledged; throws when it could not be applied (the caller retries).
 */
public interface InvalidationSink {
    /** What one acknowledged purge did. */
    record Purged(long sequence, int entriesRemoved) {
    }

    Purged purge(Set<String> tags, Set<String> keys);

    /** True when the sink answers now (for the readiness probe). */
    boolean isAvailable();

    /**
     * Records that the purges of input partition {@code source} up to {@code offset} are applied, unless the sink
     * holds less than {@code expectedAtLeast} (it lost acknowledged purges). Returns what it held before; below
     * {@code expectedAtLeast} means nothing was written. Sinks that keep no offsets hold whatever is expected.
     */
    default long recordApplied(String source, long offset, long expectedAtLeast) {
        return expectedAtLeast;
    }

    /**
     * Makes every cache instance drop its near cache. Called after purges lost by Redis were re-applied: they find
     * no keys Redis lost, so no invalidation of theirs reaches the copies near caches still hold.
     */
    default void clearNearCaches() {
    }

    /** The applied offsets the sink holds, by input partition. */
    default java.util.Map<String, Long> appliedOffsets() {
        return java.util.Map.of();
    }
}
