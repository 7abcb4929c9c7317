package dev.cachesync.invalidator.heal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.cachesync.invalidator.InvalidatorMetrics;
import dev.cachesync.invalidator.apply.InvalidationSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** When the healer decides Redis lost purges, and which offsets it re-applies (Redis and Kafka replaced by maps). */
class RedisHealerTest {
    private final OffsetSink sink = new OffsetSink();
    private final List<String> reapplied = new ArrayList<>();
    private final Map<String, Long> committed = new HashMap<>();
    /** How many near-cache clears had been sent when each re-application ran. */
    private final List<Integer> clearsBeforeReapplying = new ArrayList<>();
    /** What the Kafka range holds: by default one invalidation per offset, all still readable. */
    private Function<Long, RedisHealer.Reapplied> rangeOfSize = size -> new RedisHealer.Reapplied(size.intValue(), true);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RedisHealer healer = new RedisHealer(sink, (topic, partition, from, to) -> {
        reapplied.add(topic + "-" + partition + " " + from + ".." + to);
        clearsBeforeReapplying.add(sink.nearCacheClears);
        return rangeOfSize.apply(to - from + 1);
    }, () -> committed, 1_000, new InvalidatorMetrics(meters), () -> true);

    @Test
    void eachBatchRecordsItsHighestOffsetPerPartition() {
        healer.applied(Map.of(new TopicPartition("events", 0), 6L, new TopicPartition("events", 1), 2L));

        assertThat(sink.held).isEqualTo(Map.of("events-0", 6L, "events-1", 2L));
        assertThat(reapplied).isEmpty();
    }

    @Test
    void aGapOfRecordsWithoutPurgesIsRecordedAgainWithoutAHealOrANearCacheClear() {
        // e.g. dead letters taken at decode time whose offsets an older version never recorded
        sink.held.put("commands-2", 1L);
        committed.put("commands-2", 3L);
        rangeOfSize = size -> new RedisHealer.Reapplied(0, true);

        healer.healIfBehind();

        assertThat(reapplied).containsExactly("commands-2 2..2");
        assertThat(sink.held).containsEntry("commands-2", 2L);
        assertThat(sink.nearCacheClears).as("no purge was lost: near caches keep their copies").isZero();
        assertThat(counter("cachesync.invalidator.heals")).isZero();
        assertThat(counter("cachesync.invalidator.offset.gaps")).isEqualTo(1);
        healer.healIfBehind();
        assertThat(reapplied).as("recorded: not read again").hasSize(1);
    }

    @Test
    void aGapWithoutPurgesFoundByTheRecordingScriptClearsNothingEither() {
        healer.applied(offset("events", 0, 10));
        sink.held.put("events-0", 8L);
        rangeOfSize = size -> new RedisHealer.Reapplied(0, true);

        healer.applied(offset("events", 0, 11));

        assertThat(reapplied).containsExactly("events-0 9..10");
        assertThat(sink.held).containsEntry("events-0", 11L);
        assertThat(sink.nearCacheClears).isZero();
        assertThat(counter("cachesync.invalidator.heals")).isZero();
    }

    @Test
    void aGapPartlyGoneFromKafkaIsHealedAndClearsNearCachesThoughNothingCouldBeReapplied() {
        sink.held.put("events-0", 1L);
        committed.put("events-0", 50L);
        rangeOfSize = size -> new RedisHealer.Reapplied(0, false); // deleted by retention: what it held is unknown

        healer.healIfBehind();

        assertThat(sink.nearCacheClears).isEqualTo(1);
        assertThat(counter("cachesync.invalidator.heals")).isEqualTo(1);
        assertThat(counter("cachesync.invalidator.offset.gaps")).isZero();
    }

    @Test
    void aBatchThatFindsRedisBehindWhatWasRecordedReappliesTheGapFirst() {
        healer.applied(offset("events", 0, 10));
        sink.held.put("events-0", 3L); // Redis restarted from an older snapshot

        healer.applied(offset("events", 0, 11));

        assertThat(reapplied).containsExactly("events-0 4..10");
        assertThat(sink.held).containsEntry("events-0", 11L);
        // the re-applied purges find no keys that Redis lost, so they reach no near cache: clear them all after
        assertThat(clearsBeforeReapplying).containsExactly(0);
        assertThat(sink.nearCacheClears).isEqualTo(1);
        assertThat(counter("cachesync.invalidator.heals")).isEqualTo(1);
        assertThat(counter("cachesync.invalidator.healed.invalidations")).isEqualTo(7);
    }

    @Test
    void oneNearCacheClearForEveryPartitionHealedInARound() {
        sink.held.put("events-0", 2L);
        sink.held.put("events-1", 2L);
        committed.put("events-0", 10L);
        committed.put("events-1", 10L);

        healer.healIfBehind();

        assertThat(reapplied).hasSize(2);
        assertThat(clearsBeforeReapplying).containsExactly(0, 0);
        assertThat(sink.nearCacheClears).isEqualTo(1);
    }

    @Test
    void noLossNoNearCacheClear() {
        healer.applied(offset("events", 0, 10));
        healer.applied(offset("events", 0, 11));
        healer.healIfBehind();

        assertThat(sink.nearCacheClears).isZero();
    }

    @Test
    void thePeriodicCheckReappliesUpToTheCommittedOffset() {
        sink.held.put("events-2", 20L);
        committed.put("events-2", 31L); // records up to 30 were applied and committed
        committed.put("events-3", 5L); // never recorded by anyone: a first start, nothing to compare

        healer.healIfBehind();

        assertThat(reapplied).containsExactly("events-2 21..30");
        assertThat(sink.held).containsEntry("events-2", 30L).doesNotContainKey("events-3");
        assertThat(sink.nearCacheClears).isEqualTo(1);
        healer.healIfBehind();
        assertThat(reapplied).as("nothing more once Redis caught up").hasSize(1);
    }

    @Test
    void aPartitionWhoseRecordVanishedIsReappliedAtMostMaxRecords() {
        healer.applied(offset("events", 0, 5_000));
        sink.held.clear(); // restored from a snapshot older than the first record
        rangeOfSize = size -> new RedisHealer.Reapplied(0, true);

        healer.healIfBehind();

        assertThat(reapplied).containsExactly("events-0 4001..5000");
        assertThat(sink.nearCacheClears).as("capped: what came before the range is unknown").isEqualTo(1);
    }

    private static Map<TopicPartition, Long> offset(String topic, int partition, long offset) {
        return Map.of(new TopicPartition(topic, partition), offset);
    }

    private double counter(String name) {
        var counter = meters.find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The recording script's rules on a map. */
    static final class OffsetSink implements InvalidationSink {
        final Map<String, Long> held = new HashMap<>();
        int nearCacheClears;

        @Override
        public void clearNearCaches() {
            nearCacheClears++;
        }

        @Override
        public Purged purge(Set<String> tags, Set<String> keys) {
            return new Purged(1, 0);
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public long recordApplied(String source, long offset, long expectedAtLeast) {
            long current = held.getOrDefault(source, -1L);
            if (current >= expectedAtLeast && offset > current) {
                held.put(source, offset);
            }
            return current;
        }

        @Override
        public Map<String, Long> appliedOffsets() {
            return Map.copyOf(held);
        }
    }
}
