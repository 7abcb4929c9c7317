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
    private final Counter retries;
    private final Timer lag;
    private final DistributionSummary batchSize;

    public InvalidatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.purges = Counter.builder("cachesync.invalidator.purges").description("purges acknowledged by Redis")
                .register(registry);
        this.keysPurged = Counter.builder("cachesync.invalidator.keys.purged").description("cache entries removed")
                .register(registry);
        this.retries = Counter.builder("cachesync.invalidator.purge.retries")
                .description("purge attempts that failed and were retried").register(registry);
        this.lag = Timer.builder("cachesync.invalidator.lag")
                .description("from the change's commit (or command) to the purge acknowledgement")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        this.batchSize = DistributionSummary.builder("cachesync.invalidator.batch.size")
                .description("invalidations coalesced into one purge").register(registry);
    }

    /** An input record taken, by input ("product-event" or "command") and outcome (added, duplicate, ...). */
    public void event(String input, String outcome) {
        registry.counter("cachesync.invalidator.events", "input", input, "outcome", outcome).increment();
    }

    public void deadLetter(String reason) {
        registry.counter("cachesync.invalidator.dead.letters", "reason", reason).increment();
    }

    public void purged(int keys, int coalesced, Duration lagOfOldest) {
        purges.increment();
        keysPurged.increment(keys);
        batchSize.record(coalesced);
        lag.record(lagOfOldest.isNegative() ? Duration.ZERO : lagOfOldest);
    }

    public void retry() {
        retries.increment();
    }

    public MeterRegistry registry() {
        return registry;
    }
}
