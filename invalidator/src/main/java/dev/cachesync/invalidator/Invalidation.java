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
 * @param arrival    when its record passed the hops before the purge, or null when not known (re-applied by a heal)
 */
public record Invalidation(String sourceId, Set<String> tags, Set<String> keys, Instant occurredAt,
                           String productId, long version, Arrival arrival) {
    public Invalidation {
        tags = Set.copyOf(tags);
        keys = Set.copyOf(keys);
    }

    public Invalidation(String sourceId, Set<String> tags, Set<String> keys, Instant occurredAt, String productId,
                        long version) {
        this(sourceId, tags, keys, occurredAt, productId, version, null);
    }

    /**
     * When the record of an invalidation passed each hop up to the invalidator, in microseconds since the epoch
     * (docs/protocol.md, "Per-hop lag").
     *
     * @param relaySentAtMicros     the relay's send time from the record's header, or null (a command, another producer)
     * @param kafkaAppendedAtMicros the broker's append time (the record timestamp of a LogAppendTime topic, whole
     *                              milliseconds), or null when the topic keeps the producer's CreateTime
     * @param receivedAtMicros      when the stream task took the record
     */
    public record Arrival(Long relaySentAtMicros, Long kafkaAppendedAtMicros, long receivedAtMicros) {
    }

    /** This invalidation with its record's arrival. */
    public Invalidation withArrival(Arrival arrival) {
        return new Invalidation(sourceId, tags, keys, occurredAt, productId, version, arrival);
    }

    /** How many tags and keys it names: what its purge costs, and what the tag limits count. */
    public int targets() {
        return tags.size() + keys.size();
    }

    boolean isProductChange() {
        return productId != null;
    }
}
