package dev.cachesync.auditor.check;

import dev.cachesync.auditor.nines.ConsistencyMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each change is checked once, {@code grace} after the auditor took it: longer than the invalidation lag, so an
 * entry still older then was missed by the purge, not merely not reached yet. At most {@code maxPending} checks
 * wait; beyond that a change is dropped (and counted), so a backlog cannot exhaust memory. Checks run on one
 * thread of their own, in order.
 */
public final class PendingChecks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PendingChecks.class);

    /** The newest change seen of a product while checks of it wait, and how many wait. */
    private record Latest(long version, boolean deleted, int waiting) {
    }

    private final ChangeAudit audit;
    private final ConsistencyMetrics metrics;
    private final long graceMillis;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();
    /** Only products with checks waiting: bounded by {@code maxPending}. */
    private final Map<String, Latest> latest = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor executor;

    public PendingChecks(ChangeAudit audit, ConsistencyMetrics metrics, Duration grace, int maxPending) {
        this.audit = audit;
        this.metrics = metrics;
        this.graceMillis = grace.toMillis();
        this.maxPending = maxPending;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "auditor-checks");
            t.setDaemon(true);
            return t;
        });
    }

    public void schedule(Change change) {
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            metrics.event("dropped").increment();
            return;
        }
        latest.merge(change.productId(), new Latest(change.version(), change.deleted(), 1), (known, added) ->
                known.version() >= added.version() ? new Latest(known.version(), known.deleted(), known.waiting() + 1)
                        : new Latest(added.version(), added.deleted(), known.waiting() + 1));
        try {
            executor.schedule(() -> run(change), graceMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            pending.decrementAndGet();
        }
    }

    /** Checks waiting for their grace to end. */
    public int pending() {
        return pending.get();
    }

    private void run(Change change) {
        try {
            Latest[] seen = new Latest[1];
            latest.computeIfPresent(change.productId(), (id, known) -> {
                seen[0] = known;
                return known.waiting() <= 1 ? null : new Latest(known.version(), known.deleted(), known.waiting() - 1);
            });
            // A delete taken since this change makes "no such product" right for this change's entries too.
            boolean deletedSince = seen[0] != null && seen[0].version() > change.version() && seen[0].deleted();
            ChangeAudit.Outcome outcome = audit.check(change, deletedSince);
            metrics.checked(outcome.consistent(), outcome.stale(), outcome.unreadable());
        } catch (RuntimeException e) {
            metrics.event("failed").increment();
            log.warn("check of product {} version {} failed: {}", change.productId(), change.version(), e.toString());
        } finally {
            pending.decrementAndGet();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
