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
 * a duplicate (the same event again, or the same product version again) adds nothing. A version older than one
 * already seen is still purged: it may be the change that moved the product out of a category, whose listing a
 * later version's tags do not name (the relay can, rarely, deliver version 3 before a retried version 2).
 */
public final class InvalidationBatch {
    /** Why {@link #add} did not take an invalidation. */
    public enum Outcome { ADDED, DUPLICATE, OUT_OF_ORDER }

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
        Outcome outcome = Outcome.ADDED;
        if (invalidation.isProductChange()) {
            long known = Math.max(applied.get(invalidation.productId()),
                    versions.getOrDefault(invalidation.productId(), 0L));
            if (invalidation.version() == known) {
                return Outcome.DUPLICATE; // versions strictly increase per product: the same version is the same change
            }
            if (invalidation.version() < known) {
                outcome = Outcome.OUT_OF_ORDER;
            } else {
                versions.put(invalidation.productId(), invalidation.version());
            }
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
        return outcome;
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
