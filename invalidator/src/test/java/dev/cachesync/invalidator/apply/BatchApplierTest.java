package dev.cachesync.invalidator.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.invalidator.AppliedVersions;
import dev.cachesync.invalidator.Invalidation;
import dev.cachesync.invalidator.InvalidationBatch;
import dev.cachesync.invalidator.InvalidatorMetrics;
import dev.cachesync.invalidator.SourceRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.redisson.client.RedisException;

/** The applier's failure policy with a scripted sink: transient retried, deterministic isolated by bisection. */
class BatchApplierTest {
    private static final RetryPolicy FAST = new RetryPolicy(new Backoff(Duration.ZERO, Duration.ZERO), 3);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<InvalidationApplied> announced = new ArrayList<>();
    private final List<String> deadLetters = new ArrayList<>();
    private final AppliedVersions versions = new AppliedVersions(100);
    private final InvalidationBatch batch = new InvalidationBatch(versions);

    @Test
    void aDeterministicallyFailingInvalidationIsDeadLetteredAndEveryOtherIsApplied() {
        ScriptedSink sink = new ScriptedSink(tags -> tags.contains("broken:tag")
                ? new RedisException("WRONGTYPE Operation against a key holding the wrong kind of value") : null);
        for (int i = 0; i < 8; i++) {
            add("e" + i, "p" + i, i == 5 ? "broken:tag" : "category:c" + i);
        }

        applier(sink, () -> true).apply(batch);

        assertThat(deadLetters).containsExactly("e5 purge-failed");
        Set<String> applied = new HashSet<>();
        announced.forEach(a -> applied.addAll(a.getSourceEventIds()));
        assertThat(applied).containsExactlyInAnyOrder("e0", "e1", "e2", "e3", "e4", "e6", "e7");
        assertThat(sink.purgedTags).contains("category:c0", "category:c7").doesNotContain("broken:tag");
        assertThat(batch.isEmpty()).isTrue();
        assertThat(versions.get("p4")).isEqualTo(1);
        assertThat(versions.get("p5")).as("a dead-lettered version is not remembered as applied").isZero();
        assertThat(meters.get("cachesync.invalidator.purge.retries").tag("class", "deterministic").counter().count())
                .isPositive();
    }

    @Test
    void aTransientFailureIsRetriedAsLongAsItTakesAndNothingIsDeadLettered() {
        AtomicInteger failures = new AtomicInteger(25);
        ScriptedSink sink = new ScriptedSink(tags -> failures.getAndDecrement() > 0
                ? new RedisException("LOADING Redis is loading the dataset in memory") : null);
        add("e1", "p1", "category:shoes");
        add("e2", "p2", "category:hats");

        applier(sink, () -> true).apply(batch);

        assertThat(deadLetters).isEmpty();
        assertThat(sink.attempts.get()).isEqualTo(26);
        assertThat(announced).singleElement().satisfies(a -> assertThat(a.getSourceEventIds()).containsExactly("e1", "e2"));
        assertThat(meters.get("cachesync.invalidator.purge.retries").tag("class", "transient").counter().count())
                .isEqualTo(25);
    }

    @Test
    void shuttingDownAbandonsTheBatchWithoutDeadLetteringIt() {
        ScriptedSink sink = new ScriptedSink(tags -> new RedisException("WRONGTYPE Operation against a key"));
        add("e1", "p1", "category:shoes");

        assertThatThrownBy(() -> applier(sink, () -> false).apply(batch))
                .isInstanceOf(BatchApplier.PurgeAbandonedException.class);
        assertThat(deadLetters).isEmpty();
        assertThat(batch.size()).isEqualTo(1);
    }

    @Test
    void theLedgerRecordsTheHighestOffsetConsumedOnceTheMembersArePurged() {
        ScriptedSink sink = new ScriptedSink(tags -> null);
        List<String> steps = new ArrayList<>();
        add("e1", "p1", "category:shoes"); // offset 0
        batch.skipped("topic", 0, 3); // a dead letter taken at decode time after it

        applier(sink, () -> true, offsets -> steps.add("recorded " + offsets + " after " + sink.attempts.get()
                + " purge(s)")).apply(batch);

        assertThat(steps).containsExactly("recorded {topic-0=3} after 1 purge(s)");
        assertThat(batch.isSettled()).isTrue();
    }

    @Test
    void aBatchOfRecordsWithoutPurgesCostsNoPurgeButIsRecorded() {
        ScriptedSink sink = new ScriptedSink(tags -> null);
        List<Map<TopicPartition, Long>> recorded = new ArrayList<>();
        batch.skipped("commands", 2, 7);

        applier(sink, () -> true, recorded::add).apply(batch);
        applier(sink, () -> true, recorded::add).apply(batch);

        assertThat(sink.attempts.get()).isZero();
        assertThat(announced).isEmpty();
        assertThat(recorded).as("once: applying a settled batch does nothing")
                .containsExactly(Map.of(new TopicPartition("commands", 2), 7L));
    }

    private BatchApplier applier(InvalidationSink sink, java.util.function.BooleanSupplier running,
                                 AppliedLedger ledger) {
        return new BatchApplier(sink, announced::add,
                (source, reason, detail) -> deadLetters.add(new String(source.key()) + " " + reason),
                new InvalidatorMetrics(meters), Clock.systemUTC(), FAST, running, ledger);
    }

    private BatchApplier applier(InvalidationSink sink, java.util.function.BooleanSupplier running) {
        return new BatchApplier(sink, announced::add,
                (source, reason, detail) -> deadLetters.add(new String(source.key()) + " " + reason),
                new InvalidatorMetrics(meters), Clock.systemUTC(), FAST, running);
    }

    private void add(String id, String product, String tag) {
        Invalidation invalidation = new Invalidation(id, Set.of("product:" + product, tag), Set.of(), Instant.now(),
                product, 1);
        batch.add(invalidation, new SourceRecord("topic", 0, 0, id.getBytes(), new byte[0], new RecordHeaders()), 0);
    }

    /** Fails a purge with what {@code failure} returns for its tags (null = success). */
    static final class ScriptedSink implements InvalidationSink {
        final java.util.function.Function<Set<String>, RuntimeException> failure;
        final Set<String> purgedTags = new HashSet<>();
        final AtomicInteger attempts = new AtomicInteger();

        ScriptedSink(java.util.function.Function<Set<String>, RuntimeException> failure) {
            this.failure = failure;
        }

        @Override
        public Purged purge(Set<String> tags, Set<String> keys) {
            attempts.incrementAndGet();
            RuntimeException error = failure.apply(tags);
            if (error != null) {
                throw error;
            }
            purgedTags.addAll(tags);
            return new Purged(attempts.get(), 0);
        }

        @Override
        public boolean isAvailable() {
            return true;
        }
    }
}
