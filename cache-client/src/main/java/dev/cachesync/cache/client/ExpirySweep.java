package dev.cachesync.cache.client;

import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.CacheUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes expired entries every {@code sweepInterval} and prunes old fences now and then (README). */
final class ExpirySweep implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CachingHttpClient.class);
    static final int BATCH = 1000;

    private final CacheStore store;
    private final RedisHealth health;
    private final ClientMetrics metrics;
    private final Clock clock;
    /**
     * Fences live for two lifetimes, so a pass over the hash every tenth of a lifetime is plenty; it keeps many
     * instances with a short sweepInterval from each scanning a large hash every few seconds.
     */
    private final long fencePruneEveryNanos;
    private volatile long nextFencePruneNanos = System.nanoTime();
    private final ScheduledExecutorService sweeper;

    ExpirySweep(CacheStore store, RedisHealth health, ClientMetrics metrics, Clock clock, Duration interval,
                Duration maxEntryLifetime) {
        this.store = store;
        this.health = health;
        this.metrics = metrics;
        this.clock = clock;
        this.fencePruneEveryNanos = maxEntryLifetime.toNanos() / 10;
        if (interval.isZero()) {
            this.sweeper = null;
        } else {
            this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cache-expiry-sweep");
                t.setDaemon(true);
                return t;
            });
            long every = interval.toMillis();
            sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    int sweepExpired() {
        int removed = store.sweepExpired(clock.millis(), BATCH);
        metrics.evictions.increment(removed);
        return removed;
    }

    int pruneFences() {
        return store.pruneFences(BATCH);
    }

    private void sweepQuietly() {
        if (!health.usable()) {
            return;
        }
        try {
            int removed;
            do {
                removed = sweepExpired();
            } while (removed >= BATCH);
            if (System.nanoTime() - nextFencePruneNanos >= 0) {
                store.pruneFences(BATCH);
                nextFencePruneNanos = System.nanoTime() + fencePruneEveryNanos;
            }
        } catch (CacheUnavailableException e) {
            health.failed(e);
        } catch (RuntimeException e) {
            log.warn("[Cache] expiry sweep failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }
}
