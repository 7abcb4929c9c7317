package dev.cachesync.cache.client;

import dev.cachesync.cache.store.CacheFaultException;
import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.CacheUnavailableException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance uses Redis now. An outage (a connection failure or timeout) makes it skip Redis for
 * {@code redisRetryAfter}, then try again; a fault of one call costs that request alone a miss.
 */
final class RedisHealth {

    private static final Logger log = LoggerFactory.getLogger(CachingHttpClient.class);

    private final CacheStore store;
    private final ClientMetrics metrics;
    private final long retryAfterNanos;
    private volatile long skipUntilNanos = System.nanoTime();
    private final AtomicBoolean down = new AtomicBoolean(false);

    RedisHealth(CacheStore store, ClientMetrics metrics, long retryAfterNanos) {
        this.store = store;
        this.metrics = metrics;
        this.retryAfterNanos = retryAfterNanos;
    }

    boolean usable() {
        return System.nanoTime() - skipUntilNanos >= 0;
    }

    void failed(CacheUnavailableException e) {
        metrics.redisErrors.increment();
        skipUntilNanos = System.nanoTime() + retryAfterNanos;
        if (down.compareAndSet(false, true)) {
            log.warn("[Cache] Redis unavailable, serving from near cache and origin: {}", e.getMessage());
        }
    }

    void recovered() {
        if (down.compareAndSet(true, false)) {
            log.info("[Cache] Redis available again");
        }
    }

    /**
     * A fault of one operation: this request goes on without Redis (a miss), the instance keeps using it. An
     * undecodable entry is removed, so the origin's answer replaces it.
     */
    void fault(String key, CacheFaultException e) {
        metrics.redisFaults.increment();
        if (e.kind() == CacheFaultException.Kind.INTERRUPTED) {
            log.debug("[Cache] interrupted while waiting for Redis ({})", key);
            return;
        }
        log.warn("[Cache] {} for {}: {}", e.kind(), key, e.getMessage());
        if (e.kind() == CacheFaultException.Kind.BAD_ENTRY && key != null) {
            try {
                store.remove(List.of(key), List.of());
            } catch (RuntimeException removal) {
                log.warn("[Cache] could not remove the undecodable entry {}: {}", key, removal.toString());
            }
        }
    }
}
