package dev.cachesync.invalidator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * Invalidations coalesced into one purge of the union of their tags and keys. Pure bookkeeping, no I/O:
 * a duplicate (the same event again, or the same product version again) adds nothing. A version older than one
 * already seen is still purged: it may be the change that moved the product out of a category, whose listing a
 * later version's tags do not name (the relay can, rarely, deliver version 3 before a retried version 2).
 * <p>
 * It also remembers, per input partition, the highest offset it consumed, whether that record carried a purge or
 * not (a duplicate, a dead letter taken at decode time): once the batch is applied, every record up to that offset
 * is done, and the ledger records it. Otherwise a partition whose last records carry no purge would look, to the
 * healer, like purges Redis lost (committed offsets ahead of the recorded one).
 */
public final class InvalidationBatch {
    /** Why {@link #add} did not take an invalidation. */
    public enum Outcome { ADDED, DUPLICATE, OUT_OF_ORDER }

    /** An invalidation taken into the batch, with the record it came from (null in tests without one). */
    public record Member(Invalidation invalidation, SourceRecord source) {
    }

    private final AppliedVersions applied;
    private final Set<String> tags = new LinkedHashSet<>();
    private final Set<String> keys = new LinkedHashSet<>();
    private final List<Member> members = new ArrayList<>();
    private final Set<String> sourceIdSet = new java.util.HashSet<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<TopicPartition, Long> consumed = new HashMap<>();
    private Instant oldestOccurredAt;
    private long openedAtNanos;

    public InvalidationBatch(AppliedVersions applied) {
        this.applied = applied;
    }

    public Outcome add(Invalidation invalidation, long nowNanos) {
        return add(invalidation, null, nowNanos);
    }

    public Outcome add(Invalidation invalidation, SourceRecord source, long nowNanos) {
        if (source != null) {
            consumed(source.topic(), source.partition(), source.offset()); // a duplicate too: done when the batch is
        }
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
        members.add(new Member(invalidation, source));
        tags.addAll(invalidation.tags());
        keys.addAll(invalidation.keys());
        if (oldestOccurredAt == null || invalidation.occurredAt().isBefore(oldestOccurredAt)) {
            oldestOccurredAt = invalidation.occurredAt();
        }
        return outcome;
    }

    /**
     * Takes note of a record that carries nothing to purge (dead-lettered at decode time): it is done once every
     * invalidation before it in its partition is, so its offset is recorded with the batch that holds them, or
     * alone when the batch holds none.
     */
    public void skipped(String topic, int partition, long offset) {
        consumed(topic, partition, offset);
    }

    private void consumed(String topic, int partition, long offset) {
        if (partition >= 0 && offset >= 0) {
            consumed.merge(new TopicPartition(topic, partition), offset, Math::max);
        }
    }

    /** True when it holds no invalidation to purge (it may still hold offsets to record). */
    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** True when applying it would do nothing: no invalidation to purge and no consumed offset to record. */
    public boolean isSettled() {
        return members.isEmpty() && consumed.isEmpty();
    }

    /**
     * The highest offset consumed per input partition since the batch was last applied, members and skipped
     * records alike: what the ledger records once the members are purged (or dead-lettered).
     */
    public Map<TopicPartition, Long> consumedOffsets() {
        return Map.copyOf(consumed);
    }

    /** How many invalidations the batch holds. */
    public int size() {
        return members.size();
    }

    /** How many distinct tags and keys the batch would purge: what bounds a batch besides its size. */
    public int targets() {
        return tags.size() + keys.size();
    }

    /**
     * True when taking {@code invalidation} would make a non-empty batch name more than {@code maxTargets} tags
     * and keys: the batch should be purged first.
     */
    public boolean wouldExceed(Invalidation invalidation, int maxTargets) {
        if (isEmpty()) {
            return false;
        }
        long added = invalidation.tags().stream().filter(t -> !tags.contains(t)).count()
                + invalidation.keys().stream().filter(k -> !keys.contains(k)).count();
        return targets() + added > maxTargets;
    }

    /** The invalidations in the order they were taken. */
    public List<Member> members() {
        return List.copyOf(members);
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
        return members.stream().map(m -> m.invalidation().sourceId()).toList();
    }

    public Instant oldestOccurredAt() {
        return oldestOccurredAt;
    }

    /** Called once the purge is acknowledged: remembers the versions applied and empties the batch. */
    public void markApplied() {
        markApplied(Set.of());
    }

    /**
     * Called once every member was purged or dead-lettered: remembers the versions of those purged (a
     * dead-lettered version must not make a redelivery of it look like a duplicate) and empties the batch.
     */
    public void markApplied(Set<String> deadLetteredSourceIds) {
        for (Member member : members) {
            Invalidation invalidation = member.invalidation();
            if (invalidation.isProductChange() && !deadLetteredSourceIds.contains(invalidation.sourceId())) {
                applied.put(invalidation.productId(), invalidation.version());
            }
        }
        clear();
    }

    void clear() {
        tags.clear();
        keys.clear();
        members.clear();
        sourceIdSet.clear();
        versions.clear();
        consumed.clear();
        oldestOccurredAt = null;
    }
}
