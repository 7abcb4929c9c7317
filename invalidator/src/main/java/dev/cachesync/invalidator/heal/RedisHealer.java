package dev.cachesync.invalidator.heal;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.cachesync.invalidator.InvalidationBatch;
import dev.cachesync.invalidator.InvalidatorMetrics;
import dev.cachesync.invalidator.SourceRecord;
import dev.cachesync.invalidator.apply.AppliedLedger;
import dev.cachesync.invalidator.apply.Backoff;
import dev.cachesync.invalidator.apply.PurgeFailures;
import dev.cachesync.invalidator.apply.InvalidationSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heals Redis data loss from Kafka. With every applied batch, the highest offset it covered is recorded in Redis
 * per input partition ("topic-partition"), after the purge itself, so any snapshot or replica holding an offset
 * holds its purges. Redis lost acknowledged purges (restarted from an older RDB/AOF, failed over to a replica
 * that missed them) when the offset it holds is below
 * <ul>
 *   <li>what this instance recorded before (checked by the same script that records, with every batch), or</li>
 *   <li>the group's committed offset minus one (an offset is committed only after its purge was recorded),
 *       checked at start and every {@code INVALIDATOR_HEAL_CHECK_MS} by {@link #healIfBehind()}.</li>
 * </ul>
 * Then the invalidations between are read from Kafka and applied again before anything else is recorded: the
 * stream threads wait (this object's lock) while a heal runs. At most {@code maxRecords} records per partition
 * are re-applied (an offset unknown to Redis would otherwise mean the whole partition).
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

    /** Applies offsets {@code from..to} (inclusive) of an input partition again; returns how many invalidations. */
    public interface Reapply {
        int reapply(String topic, int partition, long from, long to);
    }

    /** The key of an input partition in the applied-offsets record. */
    public static String source(String topic, int partition) {
        return topic + "-" + partition;
    }

    @Override
    public synchronized void applied(List<InvalidationBatch.Member> members) {
        Map<String, Long> highest = new HashMap<>();
        for (InvalidationBatch.Member member : members) {
            SourceRecord source = member.source();
            if (source != null && source.partition() >= 0) {
                highest.merge(source(source.topic(), source.partition()), source.offset(), Math::max);
            }
        }
        highest.forEach(this::recordRetrying);
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
            heal(source, held, expected, "Redis holds applied offset " + held + " where " + expected + " was recorded");
            clearNearCaches();
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
                heal(source, from, target, "Redis holds applied offset " + from + ", committed/recorded " + target);
                sink.recordApplied(source, target, from);
                recorded.merge(source, target, Math::max);
                healed = true;
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

    /** Re-applies offsets {@code held + 1 .. target} of {@code source}, at most {@code maxRecords} of them. */
    private void heal(String source, long held, long target, String why) {
        long from = Math.max(held + 1, target - maxRecords + 1);
        log.warn("Redis lost acknowledged purges of {} ({}): re-applying offsets {}..{} from Kafka{}", source, why, from,
                target, from > held + 1 ? " (capped at " + maxRecords + " records)" : "");
        int split = source.lastIndexOf('-');
        long started = System.nanoTime();
        int count = reapplier.reapply(source.substring(0, split), Integer.parseInt(source.substring(split + 1)), from,
                target);
        metrics.healed(count);
        log.warn("re-applied {} invalidations of {} in {} ms", count, source, (System.nanoTime() - started) / 1_000_000);
    }
}
