package dev.cachesync.cache.client;

import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.CacheStore.FillEnd;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cross-instance fill lock of a key, as one filler uses it (protocol in docs/protocol.md): take it together
 * with the purge sequence, keep its lease while the origin is asked, release it with how the fill ended; or, when
 * another instance holds it, wait until that fill ends. Store exceptions reach the caller, which owns the health.
 */
final class FillLock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CachingHttpClient.class);

    /** A held lock: its token, the purge sequence read with it (fill step 1), and the lease renewal. */
    record Held(String key, String token, long sequence, ScheduledFuture<?> renewal) {
    }

    private final CacheStore store;
    private final ClientMetrics metrics;
    private final Duration lease;
    /** How long the end of a fill stays visible to waiters: as long as any of them may still wait. */
    private final Duration endMarkerTtl;
    private final String instanceId = UUID.randomUUID().toString();
    /** Renews the leases of the fill locks this instance holds. */
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cache-fill-lease");
        t.setDaemon(true);
        return t;
    });

    FillLock(CacheStore store, ClientMetrics metrics, Duration lease, Duration maxWait) {
        this.store = store;
        this.metrics = metrics;
        this.lease = lease;
        this.endMarkerTtl = maxWait.compareTo(Duration.ofMillis(100)) > 0 ? maxWait : Duration.ofMillis(100);
    }

    /** Takes the lock and reads the purge sequence in one round trip; null when another filler holds it. */
    Held tryAcquire(String key) {
        String token = instanceId + ":" + Thread.currentThread().getId();
        long sequence = store.tryLockAndReadSequence(key, token, lease);
        return sequence < 0 ? null : new Held(key, token, sequence, renewLease(key, token));
    }

    /** The held lock as the store's fill takes it, to end it in the fill's own round trip. */
    CacheStore.FillLock toEndWithFill(Held held) {
        return new CacheStore.FillLock(held.token(), endMarkerTtl);
    }

    /**
     * Releases the lock, leaving {@code end} for waiters on other instances to see; a stored or fenced fill ended
     * it already (in its script), so that costs no call.
     */
    void release(Held held, FillEnd end) {
        held.renewal().cancel(false);
        if (end != FillEnd.STORED && end != FillEnd.FENCED) {
            store.unlock(held.key(), held.token(), end, endMarkerTtl);
        }
    }

    /**
     * A wait for the end of the fill of {@code key} that holds its lock, to open before {@link #tryAcquire}: the
     * filler publishes its end when a take found its lock held, and a watch opened before that take cannot miss it.
     */
    CacheStore.FillEndWatch watch(String key) {
        return store.watchFillEnd(key);
    }

    /**
     * Another instance holds the lock: the pauses of one wait for its fill's end. The filler publishes the end
     * when its lock was waited for (the failed take flagged it), which ends a pause at once through the near
     * cache's subscription; the waiter then reads. The pauses are the safety net, since pub/sub may lose the
     * message and a filler of an older release publishes none: 1, 2, 4, 4... ms without a subscription (no near
     * cache), 4, 8, 16, 16... ms with one, where the message almost always comes first and a read every
     * millisecond from every waiter of a hot key would take the CPU and Redis the filler itself needs.
     */
    Wait startWait(CacheStore.FillEndWatch ended) {
        metrics.lockWaits.increment();
        return new Wait(ended);
    }

    /** See {@link #startWait}; one thread uses it. */
    final class Wait {
        private final CacheStore.FillEndWatch ended;
        private final long maxPauseNanos;
        private long pauseNanos;
        private boolean woken;

        private Wait(CacheStore.FillEndWatch ended) {
            this.ended = ended;
            this.maxPauseNanos = TimeUnit.MILLISECONDS.toNanos(ended.subscribed() ? 16 : 4);
            this.pauseNanos = maxPauseNanos / 4;
        }

        /**
         * Pauses until the next look: an end published meanwhile, or the pause ran out. False when
         * {@code deadlineNanos} has passed (stop waiting).
         */
        boolean next(long deadlineNanos) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            woken = ended.await(Math.min(pauseNanos, left));
            if (woken) {
                metrics.lockWakeUps.increment();
            }
            pauseNanos = Math.min(pauseNanos * 2, maxPauseNanos);
            return true;
        }

        /** Whether the last pause ended on a published end (or another invalidation of the key), not on time. */
        boolean woken() {
            return woken;
        }
    }

    /** Keeps the lease while the origin is asked; a crashed filler's lock lapses after one lease. */
    private ScheduledFuture<?> renewLease(String key, String token) {
        long every = Math.max(1, lease.toMillis() / 4);
        return renewer.scheduleAtFixedRate(() -> {
            try {
                store.renewLock(key, token, lease);
            } catch (RuntimeException e) {
                log.debug("[Cache] could not renew the fill lock of {}: {}", key, e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        renewer.shutdownNow();
    }
}
