package dev.cachesync.invalidator.apply;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.invalidator.InvalidationBatch;
import dev.cachesync.invalidator.InvalidatorMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch: purge, retried with backoff until Redis acknowledges it, then announce it. While Redis is
 * down this blocks the stream task on purpose: the task must not move past (or commit) an event whose purge has
 * not been acknowledged. When the application is shutting down it gives up by throwing, leaving the offsets
 * uncommitted so the next run purges again.
 */
public final class BatchApplier {
    private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);

    private final InvalidationSink sink;
    private final AppliedPublisher publisher;
    private final InvalidatorMetrics metrics;
    private final Clock clock;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final BooleanSupplier running;

    public BatchApplier(InvalidationSink sink, AppliedPublisher publisher, InvalidatorMetrics metrics, Clock clock,
                        Duration firstBackoff, Duration maxBackoff, BooleanSupplier running) {
        this.sink = sink;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.running = running;
    }

    /** Thrown when the application stops while a purge still fails; the batch's offsets stay uncommitted. */
    public static final class PurgeAbandonedException extends RuntimeException {
        PurgeAbandonedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public void apply(InvalidationBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        // The batch does not change while it is applied: copy its tags and keys once, not on every attempt.
        Set<String> tags = batch.tags();
        Set<String> keys = batch.keys();
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                InvalidationSink.Purged purged = sink.purge(tags, keys);
                announce(batch, tags, keys, purged);
                batch.markApplied();
                if (attempt > 1) {
                    log.info("purge applied after {} attempts", attempt);
                }
                return;
            } catch (RuntimeException e) {
                metrics.retry();
                if (!running.getAsBoolean()) {
                    throw new PurgeAbandonedException("shutting down with an unacknowledged purge of "
                            + batch.size() + " invalidations; they will be applied on the next start", e);
                }
                log.warn("purge of {} tags / {} keys failed (attempt {}), retrying in {} ms: {}",
                        tags.size(), keys.size(), attempt, backoff.toMillis(), e.toString());
                pause(backoff);
                Duration doubled = backoff.multipliedBy(2);
                backoff = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
            }
        }
    }

    private void announce(InvalidationBatch batch, Set<String> tags, Set<String> keys, InvalidationSink.Purged purged) {
        Instant now = clock.instant();
        Duration lag = Duration.between(batch.oldestOccurredAt(), now);
        metrics.purged(purged.keysPurged(), batch.size(), lag);
        publisher.publish(InvalidationApplied.newBuilder()
                .setPurgeId(UUID.randomUUID().toString())
                .setAppliedAt(now)
                .setSequence(purged.sequence())
                .setTags(new ArrayList<>(tags))
                .setKeys(new ArrayList<>(keys))
                .setKeysPurged(purged.keysPurged())
                .setSourceEventIds(batch.sourceIds())
                .setLagMillis(Math.max(0, lag.toMillis()))
                .build());
    }

    private static void pause(Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PurgeAbandonedException("interrupted while waiting to retry a purge", e);
        }
    }
}
