package dev.cachesync.invalidator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Invalidations coalesced into one purge of the union of their tags and keys. Pure bookkeeping, no I/O:
 * a duplicate event or a product version older than one already batched or applied adds nothing.
 */
public final class InvalidationBatch {
    /** Why {@link #add} did not take an invalidation. */
    public enum Outcome { ADDED, DUPLICATE, STALE_VERSION }

    private final AppliedVersions applied;
    private final Set<String> tags = new LinkedHashSet<>();
    private final Set<String> keys = new LinkedHashSet<>();
    private final List<String> sourceIds = new ArrayList<>();
    private final Set<String> sourceIdSet = new java.util.HashSet<>();
    private final Map<String, Long> versions = new HashMap<>();
    private Instant oldestOccurredAt;
    private long openedAtNanos;

    public InvalidationBatch(AppliedVersions applied) {
        this.applied = applied;
    }

    public Outcome add(Invalidation invalidation, long nowNanos) {
        if (sourceIdSet.contains(invalidation.sourceId())) {
            return Outcome.DUPLICATE;
        }
        if (invalidation.isProductChange()) {
            long known = Math.max(applied.get(invalidation.productId()),
                    versions.getOrDefault(invalidation.productId(), 0L));
            if (invalidation.version() <= known) {
                // The purge for a later version removes everything cached before it, this change included.
                return known == invalidation.version() ? Outcome.DUPLICATE : Outcome.STALE_VERSION;
            }
            versions.put(invalidation.productId(), invalidation.version());
        }
        if (isEmpty()) {
            openedAtNanos = nowNanos;
        }
        sourceIdSet.add(invalidation.sourceId());
        sourceIds.add(invalidation.sourceId());
        tags.addAll(invalidation.tags());
        keys.addAll(invalidation.keys());
        if (oldestOccurredAt == null || invalidation.occurredAt().isBefore(oldestOccurredAt)) {
            oldestOccurredAt = invalidation.occurredAt();
        }
        return Outcome.ADDED;
    }

    public boolean isEmpty() {
        return sourceIds.isEmpty();
    }

    /** How many invalidations the batch holds. */
    public int size() {
        return sourceIds.size();
    }

    public long ageNanos(long nowNanos) {
        return isEmpty() ? 0 : nowNanos - openedAtNanos;
    }

    public Set<String> tags() {
        return Set.copyOf(tags);
    }

    public Set<String> keys() {
        return Set.copyOf(keys);
    }

    public List<String> sourceIds() {
        return List.copyOf(sourceIds);
    }

    public Instant oldestOccurredAt() {
        return oldestOccurredAt;
    }

    /** Called once the purge is acknowledged: remembers the versions applied and empties the batch. */
    public void markApplied() {
        versions.forEach(applied::put);
        clear();
    }

    void clear() {
        tags.clear();
        keys.clear();
        sourceIds.clear();
        sourceIdSet.clear();
        versions.clear();
        oldestOccurredAt = null;
    }
}
