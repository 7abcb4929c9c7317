package dev.cachesync.invalidator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The highest product version purged, per product, for the products seen most recently (bounded, in memory), so
 * that the same change delivered again costs nothing. Forgetting is safe: an event for a forgotten product is
 * purged again, which costs a purge, never correctness.
 */
public final class AppliedVersions {
    private final Map<String, Long> versions;

    public AppliedVersions(int capacity) {
        this.versions = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The highest version applied for the product, 0 when unknown. */
    public long get(String productId) {
        return versions.getOrDefault(productId, 0L);
    }

    public void put(String productId, long version) {
        versions.merge(productId, version, Math::max);
    }
}
