package dev.cachesync.invalidator;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The invalidator's meters, named once here (Prometheus: cachesync_invalidator_*). */
public final class InvalidatorMetrics {
    private final MeterRegistry registry;
    private final Counter purges;
    private final Counter keysPurged;
    private final Timer lag;
    private final DistributionSummary batchSize;
    private final java.util.Map<Hop, Timer> hops = new java.util.EnumMap<>(Hop.class);

    /**
     * The hops of an invalidation's way from the catalog's commit to the purge's acknowledgement by Redis, each
     * between two timestamps it carries (docs/protocol.md, "Per-hop lag").
     */
    public enum Hop {
        /** From the change's commit to the outbox relay handing its record to the producer. */
        COMMIT_TO_RELAY,
        /** From the relay's send to the broker's append (acks=all included). */
        RELAY_TO_KAFKA,
        /** From the broker's append to the invalidator's stream task taking the record. */
        KAFKA_TO_INVALIDATOR,
        /** From the stream task taking the record to Redis acknowledging its purge (batch linger included). */
        INVALIDATOR_TO_PURGED;

        /** The label value: commit-to-relay, relay-to-kafka, kafka-to-invalidator, invalidator-to-purged. */
        public String label() {
            return labelValue(name());
        }
    }

    public InvalidatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.purges = Counter.builder("cachesync.invalidator.purges").description("purges acknowledged by Redis")
                .register(registry);
        this.keysPurged = Counter.builder("cachesync.invalidator.keys.purged").description("cache entries removed")
                .register(registry);
        this.lag = Timer.builder("cachesync.invalidator.lag")
                .description("from the change's commit (or command) to the purge acknowledgement")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        this.batchSize = DistributionSummary.builder("cachesync.invalidator.batch.size")
                .description("invalidations coalesced into one purge").register(registry);
        for (Hop hop : Hop.values()) {
            // Registered up front so that every hop is exported (at 0) before the first invalidation.
            hops.put(hop, Timer.builder("cachesync.invalidator.hop")
                    .description("time an invalidation spent on each hop from the change's commit to the purge's "
                            + "acknowledgement (clocks of different hosts; Kafka's append time in whole milliseconds)")
                    .tag("hop", hop.label())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofMinutes(5))
                    .register(registry));
        }
    }

    /**
     * One invalidation's time between two hop timestamps, in microseconds. A negative time (clocks of two hosts
     * apart, or the broker's millisecond append time just below the relay's microsecond send time) counts as 0.
     */
    public void hop(Hop hop, long micros) {
        hops.get(hop).record(Math.max(0, micros), java.util.concurrent.TimeUnit.MICROSECONDS);
    }

    /**
     * An input record taken, by input ("product-event" or "command") and outcome ("added", "duplicate",
     * "out-of-order", "dead-lettered"). Label values are lower-case words joined by '-', like the dead-letter reasons.
     */
    public void event(String input, String outcome) {
        Counter.builder("cachesync.invalidator.events")
                .description("input records taken, by input topic and what became of them")
                .tag("input", labelValue(input)).tag("outcome", labelValue(outcome))
                .register(registry).increment();
    }

    /** A record sent to the dead-letter topic, by the reason in its cachesync.dlq.reason header. */
    public void deadLetter(String reason) {
        Counter.builder("cachesync.invalidator.dead.letters")
                .description("records sent to the dead-letter topic, by reason (the cachesync.dlq.reason header)")
                .tag("reason", labelValue(reason))
                .register(registry).increment();
    }

    /** One style for every label value: lower case, words joined by '-' (OUT_OF_ORDER becomes out-of-order). */
    static String labelValue(String value) {
        return value.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public void purged(int keys, int coalesced, Duration lagOfOldest) {
        purges.increment();
        keysPurged.increment(keys);
        batchSize.record(coalesced);
        lag.record(lagOfOldest.isNegative() ? Duration.ZERO : lagOfOldest);
    }

    /** A decoding attempt that failed because of the registry and will be retried, by cause. */
    public void decodeRetry(String cause) {
        Counter.builder("cachesync.invalidator.decode.retries")
                .description("decoding attempts that failed because of the schema registry and are retried, by cause")
                .tag("cause", labelValue(cause)).register(registry).increment();
    }

    /** Exposes the age of the oldest invalidation this instance has not applied yet (0 when none). */
    public void watch(UnappliedInvalidations unapplied) {
        io.micrometer.core.instrument.TimeGauge.builder("cachesync.invalidator.oldest.unapplied.age", unapplied,
                        java.util.concurrent.TimeUnit.SECONDS, u -> u.oldestAge().toMillis() / 1000.0)
                .description("age of the oldest invalidation taken but not yet applied or dead-lettered")
                .register(registry);
    }

    /**
     * A heal of Redis data loss re-applied {@code invalidations} from Kafka: Redis had lost acknowledged purges (or
     * the range could not be read in full). Only these count as heals: what an alert on heals is about.
     */
    public void healed(int invalidations) {
        Counter.builder("cachesync.invalidator.heals")
                .description("heals of a Redis data loss: acknowledged purges Redis lost, re-applied from Kafka")
                .register(registry).increment();
        Counter.builder("cachesync.invalidator.healed.invalidations")
                .description("invalidations re-applied from Kafka by heals").register(registry).increment(invalidations);
    }

    /**
     * Redis' applied offset of a partition was found behind with no invalidation in between (only records that
     * carry no purge, e.g. dead letters): recorded again, nothing re-applied, no near cache cleared, not a heal.
     */
    public void offsetGapWithoutPurges() {
        Counter.builder("cachesync.invalidator.offset.gaps")
                .description("times Redis' applied offset of a partition was behind with no invalidation in between: "
                        + "recorded again, nothing re-applied (not a heal)")
                .register(registry).increment();
    }

    /** A purge attempt that failed, by class (transient or deterministic). */
    public void retry(dev.cachesync.invalidator.apply.PurgeFailures.Kind kind) {
        Counter.builder("cachesync.invalidator.purge.retries").description("purge attempts that failed, by class")
                .tag("class", labelValue(kind.name())).register(registry).increment();
    }

    /**
     * Kafka refused the invalidator, by kind ("authentication": credentials or TLS; "authorization": ACLs). Both
     * kinds exist from the start at 0, so an alert can watch them before the first refusal.
     */
    public void kafkaRefused(String kind) {
        kafkaRefusals(kind).increment();
    }

    /** Registers the refusal counters of these kinds at 0. */
    public void watchKafkaRefusals(java.util.List<String> kinds) {
        kinds.forEach(this::kafkaRefusals);
    }

    private Counter kafkaRefusals(String kind) {
        return Counter.builder("cachesync.invalidator.kafka.refusals")
                .description("times Kafka refused the invalidator's credentials or rights; its stream threads then stop")
                .tag("kind", labelValue(kind)).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }
}
