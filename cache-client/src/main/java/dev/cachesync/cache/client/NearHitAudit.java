package dev.cachesync.cache.client;

import dev.cachesync.cache.http.StoredResponse;
import dev.cachesync.cache.store.CacheEntry;
import dev.cachesync.cache.store.CacheStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples near-cache hits against Redis, off the caller's path: a sampled hit's copy is compared with what Redis
 * holds for its key on a thread of its own. The same content (status, Vary values and body of every variant) is
 * {@code consistent}. Anything else means Redis changed the entry, and every change publishes an invalidation
 * (docs/protocol.md, "Near caches"): if this near cache still holds the very same copy {@code grace} later, that
 * invalidation was lost and the hit counts as {@code stale}; if the copy is gone by then, it was on its way and the
 * hit counts as {@code consistent}. So a stale count means a near cache kept a copy longer than the grace after
 * Redis had left it, which is what the protocol's near-cache bound (Invariant 2) forbids.
 *
 * <p>Meters: {@code cache.consistency.checks{prefix, result=consistent|stale}}, and
 * {@code cache.consistency.skipped{prefix}} for samples not checked (Redis unavailable, too many in flight).
 */
final class NearHitAudit implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NearHitAudit.class);
    /** Samples being checked at once; beyond this a sample is skipped, so a slow Redis cannot pile them up. */
    static final int MAX_IN_FLIGHT = 64;
    private static final String CHECKS_HELP = "Sampled near-cache hits: consistent (Redis held the same content, or"
            + " the copy's invalidation arrived within the grace) or stale (still held a grace after Redis left it)";

    private final CacheStore store;
    private final double rate;
    private final long graceMillis;
    private final Counter consistent;
    private final Counter stale;
    private final Counter skipped;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Null when sampling is off: no thread at all then. */
    private final ScheduledThreadPoolExecutor executor;

    NearHitAudit(CacheStore store, double rate, Duration grace, MeterRegistry registry, String prefix) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("nearHitAuditRate must be within 0..1, was " + rate);
        }
        this.store = store;
        this.rate = rate;
        this.graceMillis = grace.toMillis();
        this.consistent = Counter.builder("cache.consistency.checks").tag("prefix", prefix)
                .tag("result", "consistent").description(CHECKS_HELP).register(registry);
        this.stale = Counter.builder("cache.consistency.checks").tag("prefix", prefix).tag("result", "stale")
                .description(CHECKS_HELP).register(registry);
        this.skipped = Counter.builder("cache.consistency.skipped").tag("prefix", prefix)
                .description("Sampled near-cache hits not checked (Redis unavailable, too many in flight)")
                .register(registry);
        if (rate > 0 && store.nearCacheEnabled()) {
            executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "cache-near-hit-audit");
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
        } else {
            executor = null;
        }
    }

    /** Called on a near-cache hit with the copy served; returns at once (the check runs on the audit thread). */
    void onNearHit(String key, CacheEntry served) {
        if (executor == null || served == null
                || (rate < 1 && ThreadLocalRandom.current().nextDouble() >= rate)) {
            return;
        }
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            skipped.increment();
            return;
        }
        try {
            executor.execute(() -> compare(key, served));
        } catch (RejectedExecutionException closed) {
            inFlight.decrementAndGet();
        }
    }

    private void compare(String key, CacheEntry served) {
        boolean pending = false;
        try {
            CacheEntry shared = store.readRaw(key); // past the near cache: what Redis holds now
            if (sameContent(served, shared)) {
                consistent.increment();
                return;
            }
            executor.schedule(() -> judge(key, served), graceMillis, TimeUnit.MILLISECONDS);
            pending = true;
        } catch (RuntimeException e) {
            skipped.increment(); // Redis unavailable or the entry undecodable: nothing to compare with
            log.debug("[Cache] near-hit audit of {} skipped: {}", key, e.toString());
        } finally {
            if (!pending) {
                inFlight.decrementAndGet();
            }
        }
    }

    /** Redis no longer held the served copy: stale if the near cache still holds it after the grace. */
    private void judge(String key, CacheEntry served) {
        try {
            if (store.readLocal(key) == served) {
                stale.increment();
                log.warn("[Cache] STALE near copy of {}: Redis replaced or removed it over {} ms ago and no"
                        + " invalidation reached this instance", key, graceMillis);
            } else {
                consistent.increment();
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** What a caller would see: the same variants, with the same status, Vary values and body. */
    static boolean sameContent(CacheEntry a, CacheEntry b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.variants().size() != b.variants().size()) {
            return false;
        }
        List<StoredResponse> x = a.variants();
        List<StoredResponse> y = b.variants();
        for (int i = 0; i < x.size(); i++) {
            StoredResponse p = x.get(i);
            StoredResponse q = y.get(i);
            if (p.status() != q.status() || !p.varyValues().equals(q.varyValues())
                    || !Arrays.equals(p.body(), q.body())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
