package dev.cachesync.cache.client;

import dev.cachesync.cache.http.CachePlan;
import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.CacheStrategy;
import dev.cachesync.cache.http.StoredResponse;
import dev.cachesync.cache.store.CacheEntry;
import dev.cachesync.cache.store.CacheFaultException;
import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.CacheStore.FillEnd;
import dev.cachesync.cache.store.CacheStore.FillLockState;
import dev.cachesync.cache.store.CacheUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one {@link CachePlan.OriginPlan}: take the fill lock (or wait for another instance's fill and use
 * what it stored), ask the origin, and store what may be stored, a 304 refreshing the stored response; the lock
 * is released with how the fill ended, so waiters elsewhere act on it at once. An origin failure is answered
 * with the stored response when stale-if-error allows it.
 */
final class OriginFill {

    private static final Logger log = LoggerFactory.getLogger(CachingHttpClient.class);

    private final CacheStore store;
    private final Origin origin;
    private final CacheStrategy strategy;
    private final Clock clock;
    private final RedisHealth health;
    private final ClientMetrics metrics;
    private final FillLock locks;
    private final EntryWriter writer;
    private final Duration fillLockWait;

    OriginFill(CacheStore store, Origin origin, CacheStrategy strategy, Clock clock, RedisHealth health,
               ClientMetrics metrics, FillLock locks, EntryWriter writer, Duration fillLockWait) {
        this.store = store;
        this.origin = origin;
        this.strategy = strategy;
        this.clock = clock;
        this.health = health;
        this.metrics = metrics;
        this.locks = locks;
        this.writer = writer;
        this.fillLockWait = fillLockWait;
    }

    /**
     * @param entry what was read for the key (its other variants are kept beside the new one), or null
     */
    OriginOutcome run(String key, CacheEntry entry, CachePlan.OriginPlan plan) {
        FillLock.Held lock = null;
        if (plan.fill() && health.usable()) {
            // watching before the first take: the end of a fill whose lock that take found held wakes the wait
            try (CacheStore.FillEndWatch ended = locks.watch(key)) {
                long deadline = System.nanoTime() + fillLockWait.toNanos();
                while ((lock = locks.tryAcquire(key)) == null) {
                    Waited waited = awaitOtherFill(plan.request(), key, ended, deadline);
                    if (waited.outcome() != null) {
                        return waited.outcome();
                    }
                    if (!waited.retryLock()) {
                        break;
                    }
                }
            } catch (CacheUnavailableException e) {
                health.failed(e);
            } catch (CacheFaultException e) {
                health.fault(key, e);
            }
        }
        Fill fill = new Fill(FillEnd.FAILED);
        fill.lock = lock == null ? null : locks.toEndWithFill(lock);
        try {
            long fillSequence = lock != null ? lock.sequence() : plan.fill() ? sequenceOrUnknown() : -1;
            return askOrigin(key, entry, plan, fillSequence, fill);
        } finally {
            if (lock != null) {
                try {
                    locks.release(lock, fill.end);
                } catch (CacheUnavailableException e) {
                    health.failed(e); // the lock expires by itself
                } catch (CacheFaultException e) {
                    health.fault(key, e);
                }
            }
        }
    }

    /** How the fill ended, for the lock's end marker (set as the fill goes). */
    private static final class Fill {
        FillEnd end;
        /** The held lock, for the fill's script to end in its own round trip (null: no lock). */
        CacheStore.FillLock lock;

        Fill(FillEnd end) {
            this.end = end;
        }
    }

    private OriginOutcome askOrigin(String key, CacheEntry entry, CachePlan.OriginPlan plan, long fillSequence,
                                    Fill fill) {
        CacheRequest request = plan.request();
        StoredResponse candidate = plan.candidate();
        long requestTime = clock.millis();
        Origin.Response response;
        long asked = System.nanoTime();
        try {
            response = origin.send(plan.originRequest());
        } catch (IOException | RuntimeException e) {
            metrics.originErrors.increment();
            return new OriginOutcome(staleOnError(request, candidate, e), candidate.fillSequence(),
                    OriginOutcome.NOT_ASKED, candidate, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OriginUnavailableException("interrupted while asking the origin for " + key, e);
        } finally {
            metrics.originLatency.record(System.nanoTime() - asked, TimeUnit.NANOSECONDS);
        }
        long responseTime = clock.millis();

        if (response.status() == 304 && plan instanceof CachePlan.Revalidate) {
            Set<String> tags = writer.tagsOf(response);
            StoredResponse refreshed = CacheStrategy.refresh(candidate, response.headers(), requestTime,
                    responseTime, tags).withFillSequence(fillSequence);
            // a 304 that sets a cookie is this caller's: it refreshes nothing shared (unless configured)
            boolean storable = strategy.mayStoreCookieSetting(response.headers()) && !writer.tooManyTags(key, tags);
            fill.end = !storable ? FillEnd.UNCACHEABLE
                    : fillSequence >= 0 ? writer.storeVariant(key, entry, refreshed, candidate, fill.lock) : FillEnd.FAILED;
            log.debug("[Cache] REVALIDATED {} (304)", key);
            CachedHttpResponse mine = CachedHttpResponse.fromStored(request, refreshed, CacheSource.REVALIDATED,
                    responseTime);
            List<String> cookies = response.headers().all("Set-Cookie");
            if (!cookies.isEmpty()) {
                mine = new CachedHttpResponse(mine.status(), mine.headers().withAll("Set-Cookie", cookies),
                        mine.body(), mine.source());
            }
            return new OriginOutcome(mine, fillSequence, asked, storable ? refreshed : null, false);
        }
        if (CacheStrategy.isErrorStatus(response.status())
                && strategy.mayServeStaleOnError(request, candidate, responseTime)) {
            metrics.originErrors.increment();
            closeQuietly(response);
            log.debug("[Cache] STALE {} (origin answered {}, stale-if-error)", key, response.status());
            return new OriginOutcome(CachedHttpResponse.fromStored(request, candidate, CacheSource.STALE,
                    responseTime), candidate.fillSequence(), OriginOutcome.NOT_ASKED, candidate, true);
        }
        StoredResponse storable = writer.storableForm(request, key, response, requestTime, responseTime,
                fillSequence);
        fill.end = storable == null ? FillEnd.UNCACHEABLE
                : plan.fill() && fillSequence >= 0 ? writer.storeVariant(key, entry, storable, null, fill.lock) : FillEnd.FAILED;
        return new OriginOutcome(new CachedHttpResponse(response.status(), response.headers(), response.body(),
                CacheSource.ORIGIN, response.rest()), fillSequence, asked, storable, false);
    }

    private CachedHttpResponse staleOnError(CacheRequest request, StoredResponse candidate, Exception e) {
        long now = clock.millis();
        if (strategy.mayServeStaleOnError(request, candidate, now)) {
            log.debug("[Cache] STALE {} (origin unreachable: {}, stale-if-error)", request.uri(), e.toString());
            return CachedHttpResponse.fromStored(request, candidate, CacheSource.STALE, now);
        }
        throw new OriginUnavailableException("origin unreachable for " + request.uri() + ": " + e, e);
    }

    /**
     * What waiting for another instance's fill came to: its entry ({@code outcome}), or "try to take the lock
     * again" (the fill was fenced, its filler crashed, or what it stored is not for this request), or neither:
     * ask the origin without the lock (the response was uncacheable or the fill failed; waiting longer would not
     * help and taking turns would only serialise the callers).
     */
    private record Waited(OriginOutcome outcome, boolean retryLock) {
        static final Waited ASK_ORIGIN = new Waited(null, false);
        static final Waited RETRY_LOCK = new Waited(null, true);
    }

    /**
     * Waits for the fill that holds the lock of {@code key} (docs/protocol.md, Fill lock) and acts on how it ended.
     * Woken by the fill's published end, it reads the entry first: that end is most often a stored entry, served
     * then in one round trip; only when none suits does it read the lock to learn how the fill ended.
     */
    private Waited awaitOtherFill(CacheRequest request, String key, CacheStore.FillEndWatch ended, long deadline) {
        FillLock.Wait wait = locks.startWait(ended);
        while (wait.next(deadline)) {
            if (wait.woken()) {
                Waited stored = servedFromStore(request, key);
                if (stored != null) {
                    return stored;
                }
            }
            FillLockState state = store.fillLockState(key);
            if (!(state instanceof FillLockState.Held)) {
                // an end marked stored is read again there, even after a read above: it may be a later fill's
                return afterOtherFill(request, key, state);
            }
        }
        return afterOtherFill(request, key, null);
    }

    /** Acts on how another instance's fill ended ({@code state}; null: the wait ran out). */
    private Waited afterOtherFill(CacheRequest request, String key, FillLockState state) {
        if (state == null) {
            log.debug("[Cache] fill lock wait for {} ended, asking the origin", key);
            return Waited.ASK_ORIGIN;
        }
        if (state instanceof FillLockState.Ended ended && ended.how() == FillEnd.STORED) {
            Waited stored = servedFromStore(request, key);
            return stored != null ? stored : Waited.RETRY_LOCK;
        }
        boolean retry = state instanceof FillLockState.Free
                || ((FillLockState.Ended) state).how() == FillEnd.FENCED;
        log.debug("[Cache] the other fill of {} ended ({}), {}", key, state,
                retry ? "taking the lock" : "asking the origin");
        return retry ? Waited.RETRY_LOCK : Waited.ASK_ORIGIN;
    }

    /** The stored entry of {@code key} when it serves {@code request} fresh (another instance filled it), else null. */
    private Waited servedFromStore(CacheRequest request, String key) {
        CacheEntry entry = store.read(key);
        long now = clock.millis();
        CachePlan plan = strategy.plan(request, key, entry == null ? List.of() : entry.variants(), now);
        if (plan instanceof CachePlan.Serve serve && !serve.stale()) {
            log.debug("[Cache] HIT REDIS {} (filled by another instance)", key);
            StoredResponse stored = serve.stored();
            return new Waited(new OriginOutcome(CachedHttpResponse.fromStored(request, stored, CacheSource.REDIS,
                    now), stored.fillSequence(), OriginOutcome.NOT_ASKED, stored, false), false);
        }
        return null;
    }

    /** The purge sequence now, or -1 when it cannot be read (then nothing fetched now is stored). */
    long sequenceOrUnknown() {
        if (!health.usable()) {
            return -1;
        }
        try {
            return store.sequence();
        } catch (CacheUnavailableException e) {
            health.failed(e);
            return -1;
        } catch (CacheFaultException e) {
            health.fault(null, e);
            return -1;
        }
    }

    private static void closeQuietly(Origin.Response response) {
        if (response.rest() != null) {
            try {
                response.rest().close();
            } catch (IOException ignored) {
                // the connection is discarded either way
            }
        }
    }
}
