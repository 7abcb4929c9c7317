package dev.cachesync.invalidator.heal;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.cachesync.invalidator.InvalidatorMetrics;
import dev.cachesync.invalidator.apply.AppliedLedger;
import dev.cachesync.invalidator.apply.Backoff;
import dev.cachesync.invalidator.apply.PurgeFailures;
import dev.cachesync.invalidator.apply.InvalidationSink;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heals Redis data loss from Kafka. With every applied batch, the highest offset it consumed is recorded in Redis
 * per input partition ("topic-partition"), after the purge itself, so any snapshot or replica holding an offset
 * holds its purges; records that carry no purge (duplicates, dead letters taken at decode time) are recorded the
 * same way, so a committed offset is never ahead of the recorded one without a loss. Redis lost acknowledged
 * purges (restarted from an older RDB/AOF, failed over to a replica that missed them) when the offset it holds is
 * below
 * <ul>
 *   <li>what this instance recorded before (checked by the same script that records, with every batch), or</li>
 *   <li>the group's committed offset minus one (an offset is committed only after its purge was recorded),
 *       checked at start and every {@code INVALIDATOR_HEAL_CHECK_MS} by {@link #healIfBehind()}.</li>
 * </ul>
 * Then the invalidations between are read from Kafka and applied again before anything else is recorded: the
 * stream threads wait (this object's lock) while a heal runs. At most {@code maxRecords} records per partition
 * are re-applied (an offset unknown to Redis would otherwise mean the whole partition). Only a heal that re-applied
 * something (or could not read its whole range) clears the near caches and counts as a heal: a range without
 * invalidations held no purge that Redis could have lost.
 */
public final class RedisHealer implements AppliedLedger {
    private static final Logger log = LoggerFactory.getLogger(RedisHealer.class);

    private final InvalidationSink sink;
    private final Reapply reapplier;
    private final Supplier<Map<String, Long>> committedOffsets;
    private final int maxRecords;
    private final InvalidatorMetrics metrics;
    private final BooleanSupplier running;
    private final Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
    /** The highest offset this instance recorded, by source: what Redis must still hold. */
    private final Map<String, Long> recorded = new HashMap<>();

    /**
     * @param committedOffsets the group's committed offsets (next offset to read) by source, "topic-partition"
     */
    public RedisHealer(InvalidationSink sink, Reapply reapplier, Supplier<Map<String, Long>> committedOffsets,
                       int maxRecords, InvalidatorMetrics metrics, BooleanSupplier running) {
        this.sink = sink;
        this.running = running;
        this.reapplier = reapplier;
        this.committedOffsets = committedOffsets;
        this.maxRecords = maxRecords;
        this.metrics = metrics;
    }

    /** Applies offsets {@code from..to} (inclusive) of an input partition again. */
    public interface Reapply {
        Reapplied reapply(String topic, int partition, long from, long to);
    }

    /**
     * What re-applying a range did.
     *
     * @param invalidations how many invalidations were applied again
     * @param complete      false when part of the range could no longer be read (deleted from Kafka): what it held
     *                      is unknown
     */
    public record Reapplied(int invalidations, boolean complete) {
    }

    /** The key of an input partition in the applied-offsets record. */
    public static String source(String topic, int partition) {
        return topic + "-" + partition;
    }

    @Override
    public synchronized void applied(Map<TopicPartition, Long> highestOffsets) {
        highestOffsets.forEach((partition, offset) -> recordRetrying(source(partition.topic(), partition.partition()),
                offset));
    }

    /**
     * Recording is idempotent: a failure (Redis down, replicas not acknowledging) is retried with backoff as long
     * as the application runs; the batch stays unapplied meanwhile (readiness turns red when it takes too long).
     */
    private void recordRetrying(String source, long offset) {
        Duration pause = Duration.ZERO;
        while (true) {
            try {
                record(source, offset);
                return;
            } catch (RuntimeException e) {
                metrics.retry(PurgeFailures.classify(e)); // part of applying the batch: counted with its purge
                if (!running.getAsBoolean()) {
                    throw e;
                }
                pause = backoff.next(pause);
                log.warn("could not record applied offset {} of {}, retrying in {} ms: {}", offset, source,
                        pause.toMillis(), e.toString());
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void record(String source, long offset) {
        long expected = recorded.getOrDefault(source, -1L);
        long held = sink.recordApplied(source, offset, expected);
        if (held < expected) {
            if (heal(source, held, expected, "Redis holds applied offset " + held + " where " + expected + " was recorded")) {
                clearNearCaches();
            }
            sink.recordApplied(source, Math.max(offset, expected), held);
        }
        recorded.merge(source, offset, Math::max);
    }

    /** Compares what Redis holds with what was recorded and committed; re-applies whatever Redis lost. */
    public synchronized void healIfBehind() {
        // Committed first: an offset is recorded before it is committed, so what Redis holds, read after, can only
        // be behind through a loss (read the other way round, another instance's progress would look like one).
        Map<String, Long> committed = committedOffsets.get();
        Map<String, Long> held = sink.appliedOffsets();
        Set<String> sources = new HashSet<>(committed.keySet());
        sources.addAll(recorded.keySet());
        boolean healed = false;
        for (String source : sources) {
            long target = Math.max(recorded.getOrDefault(source, -1L), committed.getOrDefault(source, 0L) - 1);
            Long holds = held.get(source);
            if (holds == null && !recorded.containsKey(source)) {
                continue; // never recorded as far as anyone here knows: a first start, or an empty Redis
            }
            long from = holds == null ? -1 : holds;
            if (from < target) {
                healed |= heal(source, from, target, "Redis holds applied offset " + from + ", committed/recorded "
                        + target);
                sink.recordApplied(source, target, from);
                recorded.merge(source, target, Math::max);
            }
        }
        if (healed) {
            clearNearCaches(); // once for every partition healed in this round
        }
    }

    /**
     * After lost purges were re-applied: they removed what Redis still held, but copies in near caches of entries
     * Redis lost are reached by no purge (no key to remove, no message), so every near cache drops everything.
     */
    private void clearNearCaches() {
        sink.clearNearCaches();
        log.warn("told every near cache to clear after healing Redis");
    }

    /**
     * Re-applies offsets {@code held + 1 .. target} of {@code source}, at most {@code maxRecords} of them. Returns
     * true when Redis lost purges: something was re-applied, or part of the gap was not read (capped, or deleted
     * from Kafka) so a lost purge cannot be ruled out. A gap of records without a purge is not a heal: it is only
     * recorded again (the caller does), with no near-cache clear.
     */
    private boolean heal(String source, long held, long target, String why) {
        long from = Math.max(held + 1, target - maxRecords + 1);
        boolean capped = from > held + 1;
        log.info("Redis' applied offset of {} is behind ({}): re-reading offsets {}..{} from Kafka{}", source, why, from,
                target, capped ? " (capped at " + maxRecords + " records)" : "");
        int split = source.lastIndexOf('-');
        long started = System.nanoTime();
        Reapplied reapplied = reapplier.reapply(source.substring(0, split),
                Integer.parseInt(source.substring(split + 1)), from, target);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (reapplied.invalidations() == 0 && reapplied.complete() && !capped) {
            metrics.offsetGapWithoutPurges();
            log.info("no invalidation among offsets {}..{} of {} (records without a purge): nothing lost, offset "
                    + "recorded again", from, target, source);
            return false;
        }
        metrics.healed(reapplied.invalidations());
        log.warn("Redis lost acknowledged purges of {} ({}): re-applied {} invalidations of offsets {}..{} in {} ms{}",
                source, why, reapplied.invalidations(), from, target, millis,
                reapplied.complete() ? "" : " (part of the range is no longer in Kafka)");
        return true;
    }
}
