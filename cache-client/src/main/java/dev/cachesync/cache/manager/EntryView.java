package dev.cachesync.cache.manager;

import dev.cachesync.cache.http.Headers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One stored entry as the cache manager shows it.
 *
 * @param retainUntil when the expiry sweep may remove it (null when not indexed)
 */
public record EntryView(String key, Set<String> tags, List<Variant> variants, Instant retainUntil) {

    /** One stored response (one per Vary variant) with its freshness now. */
    public record Variant(int status, Map<String, String> varyValues, Set<String> tags, long ageSeconds,
                          long freshnessLifetimeSeconds, boolean fresh, long fillSequence, int bodyBytes,
                          Headers headers) {
    }

    public boolean fresh() {
        return variants.stream().anyMatch(Variant::fresh);
    }

    public int bodyBytes() {
        return variants.stream().mapToInt(Variant::bodyBytes).sum();
    }
}
