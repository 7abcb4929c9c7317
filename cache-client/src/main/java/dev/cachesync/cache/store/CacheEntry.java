package dev.cachesync.cache.store;

import dev.cachesync.cache.http.StoredResponse;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one entry key (a URL) holds: its stored responses, one per Vary variant (usually exactly one).
 * Keeping variants together makes a purge by URL remove every variant at once.
 */
public record CacheEntry(List<StoredResponse> variants) {

    public CacheEntry {
        variants = List.copyOf(variants);
    }

    public static CacheEntry of(StoredResponse response) {
        return new CacheEntry(List.of(response));
    }

    public Set<String> tags() {
        Set<String> tags = new LinkedHashSet<>();
        variants.forEach(v -> tags.addAll(v.tags()));
        return tags;
    }

    public int approximateSize() {
        return variants.stream().mapToInt(StoredResponse::approximateSize).sum();
    }
}
