package dev.cachesync.cache.client;

import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.CacheStore.FillEnd;
import dev.cachesync.cache.store.CacheStore.FillLockState;
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
     * Another instance holds the lock: wait until its fill ends, which the filler marks with how it ended; the state
     * then ({@code Free} or {@code Ended}), or null when {@code deadlineNanos} came first. The filler publishes
     * the end when its lock was waited for (the failed take flagged it), which wakes {@code ended} at once through
     * the near cache's subscription; the lock is read (one GET) then, and at least every 1-4 ms anyway, since
     * pub/sub may lose the message, the filler may be an older release, and without a near cache nothing is
     * subscribed.
     */
    FillLockState awaitEnd(String key, CacheStore.FillEndWatch ended, long deadlineNanos) {
        metrics.lockWaits.increment();
        long pauseNanos = TimeUnit.MILLISECONDS.toNanos(1);
        while (System.nanoTime() - deadlineNanos < 0) {
            long left = deadlineNanos - System.nanoTime();
            if (ended.await(Math.max(0, Math.min(pauseNanos, left)))) {
                metrics.lockWakeUps.increment();
            }
            // Capped low: a waiter whose wake-up was lost should see the end of the fill within a few ms, and the
            // wait itself is bounded by fillLockWait, so the polling of one hot key stays a short burst.
            pauseNanos = Math.min(pauseNanos * 2, TimeUnit.MILLISECONDS.toNanos(4));
            FillLockState state = store.fillLockState(key);
            if (!(state instanceof FillLockState.Held)) {
                return state;
            }
        }
        return null;
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
