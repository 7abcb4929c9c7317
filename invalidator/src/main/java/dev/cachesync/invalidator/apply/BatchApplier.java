package dev.cachesync.invalidator.apply;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.InvalidationHops;
import dev.cachesync.schemas.HopHeaders;
import dev.cachesync.invalidator.Invalidation;
import dev.cachesync.invalidator.InvalidationBatch;
import dev.cachesync.invalidator.InvalidatorMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch: purge, tell the ledger (offsets recorded, replicas waited for), then announce each purge.
 * <ul>
 *   <li>transient (Redis down, slow, loading, busy, full): retried with backoff for as long as it takes. This
 *       blocks the stream task on purpose: it must not move past (or commit) an event whose purge has not been
 *       acknowledged;</li>
 *   <li>deterministic (WRONGTYPE, script error): retried {@link RetryPolicy#deterministicAttempts()} times, then
 *       the batch is split in halves, recursively, until the one invalidation that fails is alone; it goes to
 *       the dead-letter topic with the error as its detail and every other invalidation is applied.</li>
 * </ul>
 * Nothing is skipped without a dead letter. When the application is shutting down it gives up by throwing,
 * leaving the offsets uncommitted so the next run purges again.
 */
public final class BatchApplier {
    private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);
    /** The dead-letter reason of an invalidation whose purge fails deterministically. */
    public static final String PURGE_FAILED = "purge-failed";

    private final InvalidationSink sink;
    private final AppliedPublisher publisher;
    private final DeadLetterPublisher deadLetters;
    private final InvalidatorMetrics metrics;
    private final Clock clock;
    private final RetryPolicy retry;
    private final BooleanSupplier running;
    private final AppliedLedger ledger;

    public BatchApplier(InvalidationSink sink, AppliedPublisher publisher, DeadLetterPublisher deadLetters,
                        InvalidatorMetrics metrics, Clock clock, RetryPolicy retry, BooleanSupplier running) {
        this(sink, publisher, deadLetters, metrics, clock, retry, running, AppliedLedger.NONE);
    }

    /** @param ledger told of each batch once applied, before its offsets can be committed */
    public BatchApplier(InvalidationSink sink, AppliedPublisher publisher, DeadLetterPublisher deadLetters,
                        InvalidatorMetrics metrics, Clock clock, RetryPolicy retry, BooleanSupplier running,
                        AppliedLedger ledger) {
        this.sink = sink;
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.clock = clock;
        this.retry = retry;
        this.running = running;
        this.ledger = ledger;
    }

    /** Thrown when the application stops while a purge still fails; the batch's offsets stay uncommitted. */
    public static final class PurgeAbandonedException extends RuntimeException {
        PurgeAbandonedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Purges the batch's invalidations, then has the ledger record the highest offset it consumed per partition. A
     * batch without invalidations (only records that carry no purge) costs no purge, only that record.
     */
    public void apply(InvalidationBatch batch) {
        if (batch.isSettled()) {
            return;
        }
        Set<String> deadLettered = new HashSet<>();
        List<Runnable> announcements = new ArrayList<>();
        List<InvalidationBatch.Member> members = batch.members();
        if (!members.isEmpty()) {
            applyPart(members, deadLettered, announcements);
        }
        ledger.applied(batch.consumedOffsets());
        // Announced once recorded (and, when asked, replicated): an InvalidationApplied is never ahead of Redis.
        announcements.forEach(Runnable::run);
        batch.markApplied(deadLettered);
    }

    /** Purges {@code part} as one; on a deterministic failure, each half on its own, down to one invalidation. */
    private void applyPart(List<InvalidationBatch.Member> part, Set<String> deadLettered,
                           List<Runnable> announcements) {
        // The part does not change while it is applied: its tags and keys are gathered once, not on every attempt.
        Set<String> tags = new LinkedHashSet<>();
        Set<String> keys = new LinkedHashSet<>();
        part.forEach(m -> {
            tags.addAll(m.invalidation().tags());
            keys.addAll(m.invalidation().keys());
        });
        Duration backoff = Duration.ZERO;
        int deterministicFailures = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                InvalidationSink.Purged purged = sink.purge(tags, keys);
                long acknowledgedAtMicros = HopHeaders.micros(clock.instant());
                announcements.add(() -> announce(part, tags, keys, purged, acknowledgedAtMicros));
                if (attempt > 1) {
                    log.info("purge of {} invalidations applied after {} attempts", part.size(), attempt);
                }
                return;
            } catch (RuntimeException e) {
                PurgeFailures.Kind kind = PurgeFailures.classify(e);
                metrics.retry(kind);
                if (!running.getAsBoolean()) {
                    throw new PurgeAbandonedException("shutting down with an unacknowledged purge of "
                            + part.size() + " invalidations; they will be applied on the next start", e);
                }
                if (kind == PurgeFailures.Kind.DETERMINISTIC && ++deterministicFailures >= retry.deterministicAttempts()) {
                    isolate(part, deadLettered, announcements, e);
                    return;
                }
                backoff = retry.backoff().next(backoff);
                log.warn("purge of {} tags / {} keys failed ({}, attempt {}), retrying in {} ms: {}", tags.size(),
                        keys.size(), kind.name().toLowerCase(), attempt, backoff.toMillis(), e.toString());
                pause(backoff);
            }
        }
    }

    private void isolate(List<InvalidationBatch.Member> part, Set<String> deadLettered, List<Runnable> announcements,
                         RuntimeException failure) {
        if (part.size() == 1) {
            deadLetter(part.get(0), failure);
            deadLettered.add(part.get(0).invalidation().sourceId());
            return;
        }
        log.warn("purge of {} invalidations fails deterministically ({}); splitting the batch to find the one",
                part.size(), failure.toString());
        int half = part.size() / 2;
        applyPart(part.subList(0, half), deadLettered, announcements);
        applyPart(part.subList(half, part.size()), deadLettered, announcements);
    }

    /** Dead-letters one invalidation, retrying (as long as the application runs) until Kafka acknowledges it. */
    private void deadLetter(InvalidationBatch.Member member, RuntimeException failure) {
        Invalidation invalidation = member.invalidation();
        String detail = "purge of " + invalidation.tags().size() + " tags / " + invalidation.keys().size()
                + " keys failed " + retry.deterministicAttempts() + " times: " + failure;
        log.error("dead-lettering invalidation {}: {}", invalidation.sourceId(), detail);
        Duration backoff = Duration.ZERO;
        while (true) {
            try {
                deadLetters.publish(member.source(), PURGE_FAILED, detail);
                metrics.deadLetter(PURGE_FAILED);
                return;
            } catch (RuntimeException e) {
                if (!running.getAsBoolean()) {
                    throw new PurgeAbandonedException("shutting down before invalidation " + invalidation.sourceId()
                            + " was dead-lettered; it will be tried again on the next start", e);
                }
                backoff = retry.backoff().next(backoff);
                log.warn("could not dead-letter invalidation {}, retrying in {} ms: {}", invalidation.sourceId(),
                        backoff.toMillis(), e.toString());
                pause(backoff);
            }
        }
    }

    private void announce(List<InvalidationBatch.Member> part, Set<String> tags, Set<String> keys,
                          InvalidationSink.Purged purged, long acknowledgedAtMicros) {
        Instant now = clock.instant();
        Instant oldest = part.stream().map(m -> m.invalidation().occurredAt()).min(Instant::compareTo).orElse(now);
        Duration lag = Duration.between(oldest, now);
        metrics.purged(purged.entriesRemoved(), part.size(), lag);
        publisher.publish(InvalidationApplied.newBuilder()
                .setPurgeId(UUID.randomUUID().toString())
                .setAppliedAt(now)
                .setSequence(purged.sequence())
                .setTags(new ArrayList<>(tags))
                .setKeys(new ArrayList<>(keys))
                .setKeysPurged(purged.entriesRemoved())
                .setSourceEventIds(part.stream().map(m -> m.invalidation().sourceId()).toList())
                .setLagMillis(Math.max(0, lag.toMillis()))
                .setHops(hops(part, acknowledgedAtMicros))
                .setPurgeAcknowledgedAtMicros(acknowledgedAtMicros)
                .build());
    }

    /** Each member's hop timestamps (those whose arrival is known), recorded in the hop histograms too. */
    private List<InvalidationHops> hops(List<InvalidationBatch.Member> part, long acknowledgedAtMicros) {
        List<InvalidationHops> hops = new ArrayList<>(part.size());
        for (InvalidationBatch.Member member : part) {
            Invalidation invalidation = member.invalidation();
            Invalidation.Arrival arrival = invalidation.arrival();
            if (arrival == null) {
                continue; // re-applied from Kafka by a heal: its hops were measured when it was first applied
            }
            long committed = HopHeaders.micros(invalidation.occurredAt());
            Long sent = arrival.relaySentAtMicros();
            Long appended = arrival.kafkaAppendedAtMicros();
            if (sent != null) {
                metrics.hop(InvalidatorMetrics.Hop.COMMIT_TO_RELAY, sent - committed);
                if (appended != null) {
                    metrics.hop(InvalidatorMetrics.Hop.RELAY_TO_KAFKA, appended - sent);
                }
            }
            if (appended != null) {
                metrics.hop(InvalidatorMetrics.Hop.KAFKA_TO_INVALIDATOR, arrival.receivedAtMicros() - appended);
            }
            metrics.hop(InvalidatorMetrics.Hop.INVALIDATOR_TO_PURGED, acknowledgedAtMicros - arrival.receivedAtMicros());
            hops.add(InvalidationHops.newBuilder().setSourceId(invalidation.sourceId()).setCommittedAtMicros(committed)
                    .setRelaySentAtMicros(sent).setKafkaAppendedAtMicros(appended)
                    .setReceivedAtMicros(arrival.receivedAtMicros()).build());
        }
        return hops;
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
