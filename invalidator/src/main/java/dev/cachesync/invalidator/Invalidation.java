package dev.cachesync.invalidator;

import java.time.Instant;
import java.util.Set;

/**
 * One decoded, validated request to invalidate: from a {@code ProductEvent} or an {@code InvalidationCommand}.
 *
 * @param sourceId   the event id or command id, carried into {@code InvalidationApplied.sourceEventIds}
 * @param tags       valid cache tags to purge
 * @param keys       cache keys (URLs) to purge
 * @param occurredAt commit time of the change (or request time of a command): the start of the invalidation lag
 * @param productId  the product changed, or null for a command
 * @param version    the product version after the change, or 0 for a command
 */
public record Invalidation(String sourceId, Set<String> tags, Set<String> keys, Instant occurredAt,
                           String productId, long version) {
    public Invalidation {
        tags = Set.copyOf(tags);
        keys = Set.copyOf(keys);
    }

    /** How many tags and keys it names: what its purge costs, and what the tag limits count. */
    public int targets() {
        return tags.size() + keys.size();
    }

    boolean isProductChange() {
        return productId != null;
    }
}
