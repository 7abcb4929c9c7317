package dev.cachesync.cache.manager;

import dev.cachesync.cache.http.StoredResponse;
import java.util.List;

/**
 * One entry as a reader would be served it from Redis ({@link CacheManager#servedByTag}): its key and its stored
 * responses (one per Vary variant) that passed the read check.
 */
public record TaggedResponses(String key, List<StoredResponse> responses) {
    public TaggedResponses {
        responses = List.copyOf(responses);
    }
}
