package dev.cachesync.invalidator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class InvalidationBatchTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private final AppliedVersions applied = new AppliedVersions(2);
    private final InvalidationBatch batch = new InvalidationBatch(applied);

    @Test
    void coalescesTheUnionOfTagsAndKeepsTheOldestCommitTime() {
        batch.add(change("e1", "p1", 1, T0.plusMillis(5), "product:p1", "category:shoes"), 100);
        batch.add(change("e2", "p2", 1, T0, "product:p2", "category:shoes"), 200);

        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.tags()).containsExactlyInAnyOrder("product:p1", "product:p2", "category:shoes");
        assertThat(batch.oldestOccurredAt()).isEqualTo(T0);
        assertThat(batch.sourceIds()).containsExactly("e1", "e2");
        assertThat(batch.ageNanos(350)).isEqualTo(250);
    }

    @Test
    void duplicatesAddNothing() {
        assertThat(batch.add(change("e1", "p1", 2, T0, "product:p1"), 0)).isEqualTo(InvalidationBatch.Outcome.ADDED);
        assertThat(batch.add(change("e1", "p1", 2, T0, "product:p1"), 0)).isEqualTo(InvalidationBatch.Outcome.DUPLICATE);
        assertThat(batch.add(change("e1-resent", "p1", 2, T0, "product:p1"), 0)).isEqualTo(InvalidationBatch.Outcome.DUPLICATE);
        assertThat(batch.size()).isEqualTo(1);
    }

    @Test
    void anOlderVersionArrivingLateIsStillPurgedForTheListingItLeft() {
        batch.add(change("v3", "p1", 3, T0, "product:p1", "category:boots"), 0);
        assertThat(batch.add(change("v2", "p1", 2, T0, "product:p1", "category:shoes", "category:boots"), 0))
                .isEqualTo(InvalidationBatch.Outcome.OUT_OF_ORDER);
        assertThat(batch.tags()).contains("category:shoes");
        batch.markApplied();

        assertThat(batch.add(change("v1", "p1", 1, T0, "product:p1", "category:hats"), 0))
                .isEqualTo(InvalidationBatch.Outcome.OUT_OF_ORDER);
        assertThat(batch.tags()).contains("category:hats");
        assertThat(applied.get("p1")).isEqualTo(3);
    }

    @Test
    void versionsAppliedInAnEarlierBatchAreRemembered() {
        batch.add(change("e1", "p1", 4, T0, "product:p1"), 0);
        batch.markApplied();

        assertThat(batch.isEmpty()).isTrue();
        assertThat(batch.add(change("e1-again", "p1", 4, T0, "product:p1"), 0)).isEqualTo(InvalidationBatch.Outcome.DUPLICATE);
        assertThat(batch.add(change("e5", "p1", 5, T0, "product:p1"), 0)).isEqualTo(InvalidationBatch.Outcome.ADDED);
    }

    @Test
    void forgettingAProductOnlyCostsAPurgeAgain() {
        batch.add(change("a", "p1", 1, T0, "product:p1"), 0);
        batch.add(change("b", "p2", 1, T0, "product:p2"), 0);
        batch.add(change("c", "p3", 1, T0, "product:p3"), 0);
        batch.markApplied();

        assertThat(applied.get("p1")).isZero();
        assertThat(batch.add(change("a-again", "p1", 1, T0, "product:p1"), 0)).isEqualTo(InvalidationBatch.Outcome.ADDED);
    }

    @Test
    void commandsAreNeverTakenForStaleVersions() {
        Invalidation command = new Invalidation("c1", Set.of("category:shoes"), Set.of("http://x/products/1"), T0, null, 0);
        Invalidation again = new Invalidation("c2", Set.of("category:shoes"), Set.of(), T0, null, 0);

        assertThat(batch.add(command, 0)).isEqualTo(InvalidationBatch.Outcome.ADDED);
        assertThat(batch.add(again, 0)).isEqualTo(InvalidationBatch.Outcome.ADDED);
        assertThat(batch.keys()).containsExactly("http://x/products/1");
    }

    @Test
    void theHighestOffsetConsumedCountsRecordsWithoutAPurgeAsWellAsMembers() {
        TopicPartition events = new TopicPartition("events", 2);
        batch.add(change("e1", "p1", 1, T0, "product:p1"), record("events", 2, 10), 0);
        batch.skipped("events", 2, 11); // dead-lettered at decode time
        assertThat(batch.add(change("e1", "p1", 1, T0, "product:p1"), record("events", 2, 12), 0))
                .isEqualTo(InvalidationBatch.Outcome.DUPLICATE);

        assertThat(batch.size()).isEqualTo(1);
        assertThat(batch.consumedOffsets()).isEqualTo(Map.of(events, 12L));
        batch.markApplied();
        assertThat(batch.consumedOffsets()).isEmpty();
        assertThat(batch.isSettled()).isTrue();
    }

    @Test
    void aBatchWithoutMembersStillHoldsTheOffsetsOfRecordsThatCarriedNoPurge() {
        batch.add(change("e1", "p1", 3, T0, "product:p1"), record("events", 0, 4), 0);
        batch.markApplied();

        assertThat(batch.add(change("e1-again", "p1", 3, T0, "product:p1"), record("events", 0, 5), 0))
                .isEqualTo(InvalidationBatch.Outcome.DUPLICATE);
        batch.skipped("events", 0, 6);

        assertThat(batch.isEmpty()).as("nothing to purge").isTrue();
        assertThat(batch.isSettled()).as("but offsets to record").isFalse();
        assertThat(batch.consumedOffsets()).isEqualTo(Map.of(new TopicPartition("events", 0), 6L));
        assertThat(batch.ageNanos(1_000)).as("offsets alone never make a batch linger-due").isZero();
    }

    private static SourceRecord record(String topic, int partition, long offset) {
        return new SourceRecord(topic, partition, offset, null, new byte[0], new RecordHeaders());
    }

    private static Invalidation change(String id, String product, long version, Instant at, String... tags) {
        return new Invalidation(id, Set.of(tags), Set.of(), at, product, version);
    }

    @Test
    void aBatchIsBoundedByTheDistinctTagsAndKeysItWouldPurge() {
        assertThat(batch.wouldExceed(change("big", "p0", 1, T0, "a", "b", "c", "d"), 3))
                .as("an empty batch takes anything; the processor purges it alone").isFalse();
        batch.add(change("e1", "p1", 1, T0, "product:p1", "category:shoes"), 0);

        assertThat(batch.wouldExceed(change("e2", "p2", 1, T0, "product:p2", "category:shoes"), 3)).isFalse();
        assertThat(batch.wouldExceed(change("e3", "p3", 1, T0, "product:p3", "category:hats"), 3)).isTrue();
        batch.add(change("e2", "p2", 1, T0, "product:p2", "category:shoes"), 0);
        assertThat(batch.targets()).isEqualTo(3);
    }
}
