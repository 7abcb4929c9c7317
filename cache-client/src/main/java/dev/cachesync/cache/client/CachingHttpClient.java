package dev.cachesync.cache.client;

import dev.cachesync.cache.http.CacheControl;
import dev.cachesync.cache.http.CacheDecision;
import dev.cachesync.cache.http.CacheDecision.Action;
import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.CacheStrategy;
import dev.cachesync.cache.http.Headers;
import dev.cachesync.cache.http.Storability;
import dev.cachesync.cache.http.StoredResponse;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.cache.store.CacheEntry;
import dev.cachesync.cache.store.CacheFaultException;
import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.CacheStore.FillEnd;
import dev.cachesync.cache.store.CacheUnavailableException;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.cache.tags.CacheTagsHeader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-through HTTP cache for any origin: near cache in this process, then shared Redis, then the origin,
 * with RFC 9111 shared-cache semantics and tag purges. Build one per origin and share it:
 *
 * <pre>{@code
 * CachingHttpClient client = CachingHttpClient.builder()
 *     .redisson(redisson)
 *     .keyPrefix("catalog-cache:")
 *     .origin(URI.create("http://catalog:8080"))
 *     .build();
 * CachedHttpResponse r = client.get("/products/42");   // r.source(): LOCAL, REDIS, ORIGIN, ...
 * }</pre>
 *
 * <p>Redis problems never reach callers: a failed or slow Redis call counts as a miss, Redis is then skipped
 * for {@code redisRetryAfter} and tried again automatically. Origin failures do reach callers (as the
 * origin's status, or {@link OriginUnavailableException}) unless stale-if-error allows a stored response.
 */
public final class CachingHttpClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CachingHttpClient.class);
    private static final int MAX_VARIANTS = 8;
    private static final int SWEEP_BATCH = 1000;

    private final CacheStore store;
    private final TagPurger purger;
    private final Origin origin;
    private final URI baseUri;
    private final CacheStrategy strategy;
    private final Clock clock;
    private final String tagHeader;
    private final int maxEntryBytes;
    private final Duration fillLockWait;
    private final Duration fillLockTtl;
    private final long redisRetryAfterNanos;
    /**
     * Fences live for two lifetimes, so a pass over the hash every tenth of a lifetime is plenty; it keeps many
     * instances with a short sweepInterval from each scanning a large hash every few seconds.
     */
    private final long fencePruneEveryNanos;
    private volatile long nextFencePruneNanos = System.nanoTime();
    /** Background revalidation (stale-while-revalidate): bounded threads and queue. */
    private final ExecutorService background;
    private final int maxTagsPerResponse;
    /** Renews the leases of the fill locks this instance holds. */
    private final ScheduledExecutorService leaseRenewer;
    /** How long the end of a fill stays visible to waiters: as long as any of them may still wait. */
    private final Duration fillEndMarkerTtl;
    private final ScheduledExecutorService sweeper;
    private final Map<String, CompletableFuture<Flight>> flights = new ConcurrentHashMap<>();
    private final String instanceId = UUID.randomUUID().toString();
    private volatile long redisSkipUntilNanos = System.nanoTime();
    private final AtomicBoolean redisDown = new AtomicBoolean(false);
    private final java.util.concurrent.atomic.AtomicInteger flightFollowers = new java.util.concurrent.atomic.AtomicInteger();

    private final Counter localHits;
    private final Counter redisHits;
    private final Counter staleServed;
    private final Counter revalidated;
    private final Counter misses;
    private final Counter originErrors;
    private final Counter fillsStored;
    private final Counter fillsDiscarded;
    private final Counter redisErrors;
    private final Counter redisFaults;
    private final Counter revalidationsSkipped;
    private final Counter evictions;
    private final Counter lockWaits;
    private final Timer originLatency;

    private CachingHttpClient(Builder b) {
        this.store = new CacheStore(b.redisson, b.keyPrefix,
                new CacheStore.Options(b.nearCache, b.nearCacheMaxEntries, b.redisTimeout, b.maxEntryLifetime));
        MeterRegistry registry = b.meterRegistry;
        this.purger = TagPurger.on(store, registry);
        // "http://host" has an empty path, which URI.resolve mishandles ("http://hostproducts/1")
        this.baseUri = b.origin == null || !b.origin.getRawPath().isEmpty() ? b.origin : b.origin.resolve("/");
        this.origin = b.customOrigin != null ? b.customOrigin
                : new HttpOrigin(b.httpClient != null ? b.httpClient
                        : HttpClient.newBuilder().connectTimeout(b.requestTimeout).build(), b.requestTimeout);
        this.strategy = new CacheStrategy(b.staleRetention.toMillis(), b.maxEntryLifetime.toMillis(),
                b.storeSetCookieResponses);
        this.clock = b.clock;
        this.tagHeader = b.tagHeader;
        this.maxEntryBytes = b.maxEntryBytes;
        this.fillLockWait = b.fillLockWait;
        this.fillLockTtl = b.fillLockTtl;
        this.fillEndMarkerTtl = b.fillLockWait.compareTo(Duration.ofMillis(100)) > 0 ? b.fillLockWait
                : Duration.ofMillis(100);
        this.leaseRenewer = Executors.newSingleThreadScheduledExecutor(daemon("cache-fill-lease"));
        this.redisRetryAfterNanos = b.redisRetryAfter.toNanos();
        this.fencePruneEveryNanos = b.maxEntryLifetime.toNanos() / 10;
        this.background = new ThreadPoolExecutor(b.revalidationThreads, b.revalidationThreads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(b.revalidationQueue), daemon("cache-revalidate"));
        ((ThreadPoolExecutor) background).allowCoreThreadTimeOut(true);
        this.maxTagsPerResponse = b.maxTagsPerResponse;
        String prefixTag = b.keyPrefix;
        this.localHits = counter(registry, "cache.hits", "tier", "local", prefixTag);
        this.redisHits = counter(registry, "cache.hits", "tier", "redis", prefixTag);
        this.staleServed = counter(registry, "cache.hits", "tier", "stale", prefixTag);
        this.revalidated = counter(registry, "cache.hits", "tier", "revalidated", prefixTag);
        this.misses = counter(registry, "cache.misses", null, null, prefixTag);
        this.originErrors = counter(registry, "cache.origin.errors", null, null, prefixTag);
        this.fillsStored = counter(registry, "cache.fills", "outcome", "stored", prefixTag);
        this.fillsDiscarded = counter(registry, "cache.fills", "outcome", "fenced", prefixTag);
        this.redisErrors = counter(registry, "cache.redis.errors", null, null, prefixTag);
        this.redisFaults = counter(registry, "cache.redis.faults", null, null, prefixTag);
        this.revalidationsSkipped = counter(registry, "cache.revalidations.skipped", null, null, prefixTag);
        this.evictions = counter(registry, "cache.evictions", null, null, prefixTag);
        this.lockWaits = counter(registry, "cache.fill.lock.waits", null, null, prefixTag);
        this.originLatency = Timer.builder("cache.origin.latency").tag("prefix", prefixTag)
                .publishPercentiles(0.5, 0.99).register(registry);
        if (!b.sweepInterval.isZero()) {
            this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("cache-expiry-sweep"));
            long every = b.sweepInterval.toMillis();
            sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
        } else {
            this.sweeper = null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** GET of a path (resolved against the origin) or an absolute URL. */
    public CachedHttpResponse get(String pathOrUrl) {
        return send(CacheRequest.get(resolve(pathOrUrl)));
    }

    public CachedHttpResponse get(String pathOrUrl, Headers headers) {
        return send(CacheRequest.get(resolve(pathOrUrl), headers));
    }

    public CompletableFuture<CachedHttpResponse> sendAsync(CacheRequest request, java.util.concurrent.Executor executor) {
        return CompletableFuture.supplyAsync(() -> send(request), executor);
    }

    public URI resolve(String pathOrUrl) {
        URI uri = URI.create(pathOrUrl);
        if (uri.isAbsolute()) {
            return uri;
        }
        if (baseUri == null) {
            throw new IllegalArgumentException("relative URL '" + pathOrUrl + "' but no origin base URI configured");
        }
        return baseUri.resolve(pathOrUrl);
    }

    /** Sends a request through the cache. GET and HEAD may be answered from the cache. */
    public CachedHttpResponse send(CacheRequest request) {
        if (!request.isCacheableMethod()) {
            return forwardUnsafe(request);
        }
        String key = KeyLayout.entryKey(request.uri());
        long now = clock.millis();

        CacheEntry entry = store.readLocal(key);
        Lookup local = lookup(request, entry, now);
        if (local.decision() != null && local.decision().servesFromCache()) {
            return serve(request, key, entry, local.decision(), CacheSource.LOCAL, now);
        }
        if (redisUsable()) {
            try {
                entry = store.read(key);
                redisRecovered();
            } catch (CacheUnavailableException e) {
                redisFailed(e);
            } catch (CacheFaultException e) {
                redisFault(key, e);
            }
            Lookup shared = lookup(request, entry, now);
            if (shared.decision() != null && shared.decision().servesFromCache()) {
                return serve(request, key, entry, shared.decision(), CacheSource.REDIS, now);
            }
            local = shared.decision() != null ? shared : local;
        }
        CacheDecision decision = local.decision() != null ? local.decision()
                : strategy.decide(request, null, now);
        misses.increment();
        if (CacheControl.parse(request.headers()).onlyIfCached()) {
            // RFC 9111 5.2.1.7: nothing suitable stored, and the caller forbids asking the origin
            log.debug("[Cache] MISS {} {} (only-if-cached: 504)", request.method(), key);
            return new CachedHttpResponse(504, Headers.EMPTY, new byte[0], CacheSource.NONE);
        }
        log.debug("[Cache] MISS {} {} ({})", request.method(), key, decision.reason());
        if (request.method().equals("HEAD")) {
            return fromOrigin(request, key, null, decision, false).response();
        }
        CacheEntry known = entry;
        if (request.hasConditionalsOrRange()) {
            // its answer (a 304 to its own validator, a 206) is for it alone: no flight to share
            return fromOrigin(request, key, known, decision, true).response();
        }
        return singleFlight(flightKey(key, request, decision.stored()), request,
                () -> fromOrigin(request, key, known, decision, true));
    }

    private record Lookup(CacheDecision decision) {
    }

    /**
     * The outcome of one origin round, shared by single-flight followers.
     *
     * @param fillSequence the purge sequence read before the content was fetched (-1 when unknown)
     * @param askedAtNanos {@link System#nanoTime()} just before the origin was asked, or {@link #NOT_ASKED}
     *                     when the response did not come from an origin request made by this flight
     * @param shareable    the response as a shared cache would store it (Set-Cookie removed, varied on the
     *                     leader's request), or null when it may not be stored: then no follower gets it
     * @param staleOnError the response is a stored one served because the origin failed
     */
    private record Flight(CachedHttpResponse response, long fillSequence, long askedAtNanos,
                          StoredResponse shareable, boolean staleOnError) {
    }

    private static final long NOT_ASKED = Long.MIN_VALUE;

    private Lookup lookup(CacheRequest request, CacheEntry entry, long now) {
        if (entry == null) {
            return new Lookup(null);
        }
        StoredResponse variant = CacheStrategy.selectVariant(entry.variants(), request.headers());
        return variant == null ? new Lookup(null) : new Lookup(strategy.decide(request, variant, now));
    }

    private CachedHttpResponse serve(CacheRequest request, String key, CacheEntry entry, CacheDecision decision,
                                     CacheSource tier, long now) {
        StoredResponse stored = decision.stored();
        CacheSource source = decision.action() == Action.SERVE ? tier : CacheSource.STALE;
        switch (source) {
            case LOCAL -> localHits.increment();
            case REDIS -> redisHits.increment();
            default -> staleServed.increment();
        }
        log.debug("[Cache] HIT {} {} {} ({})", source, request.method(), key, decision.reason());
        if (decision.action() == Action.SERVE_STALE_AND_REVALIDATE_IN_BACKGROUND) {
            revalidateInBackground(request, key, entry, decision);
        }
        return toResponse(request, stored, source, now);
    }

    /** A stored response as a caller gets it: its own body copy, an Age, never a stored cookie. */
    private CachedHttpResponse toResponse(CacheRequest request, StoredResponse stored, CacheSource source, long now) {
        Headers headers = CacheStrategy.storedHeaders(stored.headers())
                .with("Age", Long.toString(CacheStrategy.ageSeconds(stored, now)));
        byte[] body = request.method().equals("HEAD") ? new byte[0] : stored.body().clone();
        return new CachedHttpResponse(stored.status(), headers, body, source);
    }

    private void revalidateInBackground(CacheRequest request, String key, CacheEntry entry, CacheDecision decision) {
        CacheDecision refresh = new CacheDecision(decision.stored().hasValidator() ? Action.REVALIDATE : Action.FETCH,
                decision.stored(), "stale-while-revalidate");
        CacheRequest get = new CacheRequest("GET", request.uri(), request.headers(), null);
        String flight = flightKey(key, get, decision.stored());
        if (flights.containsKey(flight)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    singleFlight(flight, get, () -> fromOrigin(get, key, entry, refresh, true));
                } catch (RuntimeException e) {
                    log.debug("[Cache] background revalidation of {} failed: {}", key, e.toString());
                }
            });
        } catch (RejectedExecutionException full) {
            // every revalidation thread busy and the queue full: the stale answer stands, a later hit refreshes
            revalidationsSkipped.increment();
            log.debug("[Cache] revalidation queue full, {} served stale without a refresh", key);
        }
    }

    /** Asks the origin (after the cross-instance fill lock), stores what may be stored, handles 304 and errors. */
    private Flight fromOrigin(CacheRequest request, String key, CacheEntry entry, CacheDecision decision,
                              boolean mayStore) {
        StoredResponse candidate = decision.stored();
        String lockToken = null;
        if (mayStore && redisUsable()) {
            try {
                String token = instanceId + ":" + Thread.currentThread().getId();
                long deadline = System.nanoTime() + fillLockWait.toNanos();
                while (true) {
                    if (store.tryLock(key, token, fillLockTtl)) {
                        lockToken = token;
                        break;
                    }
                    Waited waited = awaitOtherInstance(request, key, deadline);
                    if (waited.flight() != null) {
                        return waited.flight();
                    }
                    if (!waited.retryLock()) {
                        break;
                    }
                }
            } catch (CacheUnavailableException e) {
                redisFailed(e);
            } catch (CacheFaultException e) {
                redisFault(key, e);
            }
        }
        ScheduledFuture<?> lease = lockToken == null ? null : renewLease(key, lockToken);
        FillEnd fillEnd = FillEnd.FAILED;
        try {
            long fillSequence = -1; // unknown: the response will not be stored
            if (mayStore && redisUsable()) {
                try {
                    fillSequence = store.sequence();
                } catch (CacheUnavailableException e) {
                    redisFailed(e);
                } catch (CacheFaultException e) {
                    redisFault(key, e);
                }
            }
            boolean conditional = decision.action() == Action.REVALIDATE && candidate != null;
            CacheRequest originRequest = conditional
                    ? new CacheRequest(request.method(), request.uri(),
                            CacheStrategy.conditionalHeaders(request.headers(), candidate), request.body())
                    : request;
            long requestTime = clock.millis();
            Origin.Response response;
            long started = System.nanoTime();
            long asked = started;
            try {
                response = origin.send(originRequest);
            } catch (IOException | RuntimeException e) {
                originErrors.increment();
                return new Flight(staleOnError(request, candidate, requestTime, e), candidate.fillSequence(),
                        NOT_ASKED, candidate, true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OriginUnavailableException("interrupted while asking the origin for " + key, e);
            } finally {
                originLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
            long responseTime = clock.millis();

            if (response.status() == 304 && conditional) {
                Set<String> tags = response.headers().contains(tagHeader)
                        ? CacheTagsHeader.parse(response.headers().all(tagHeader)) : null;
                boolean tooManyTags = tags != null && tooManyTags(key, tags);
                StoredResponse refreshed = CacheStrategy.refresh(candidate, response.headers(), requestTime,
                        responseTime, tags).withFillSequence(fillSequence);
                // a 304 that sets a cookie is this caller's: it refreshes nothing shared (unless configured)
                boolean storable = strategy.mayStoreCookieSetting(response.headers()) && !tooManyTags;
                fillEnd = !storable ? FillEnd.UNCACHEABLE
                        : fillSequence >= 0 ? storeVariant(key, entry, refreshed, candidate) : FillEnd.FAILED;
                revalidated.increment();
                log.debug("[Cache] REVALIDATED {} (304)", key);
                CachedHttpResponse mine = toResponse(request, refreshed, CacheSource.REVALIDATED, responseTime);
                List<String> cookies = response.headers().all("Set-Cookie");
                if (!cookies.isEmpty()) {
                    mine = new CachedHttpResponse(mine.status(), mine.headers().withAll("Set-Cookie", cookies),
                            mine.body(), mine.source());
                }
                return new Flight(mine, fillSequence, asked, storable ? refreshed : null, false);
            }
            if (CacheStrategy.isErrorStatus(response.status())
                    && strategy.mayServeStaleOnError(request, candidate, responseTime)) {
                originErrors.increment();
                staleServed.increment();
                log.debug("[Cache] STALE {} (origin answered {}, stale-if-error)", key, response.status());
                return new Flight(toResponse(request, candidate, CacheSource.STALE, responseTime),
                        candidate.fillSequence(), NOT_ASKED, candidate, true);
            }
            StoredResponse storable = storableForm(request, key, response, requestTime, responseTime, fillSequence);
            fillEnd = storable == null ? FillEnd.UNCACHEABLE
                    : mayStore && fillSequence >= 0 ? storeVariant(key, entry, storable, null) : FillEnd.FAILED;
            return new Flight(new CachedHttpResponse(response.status(), response.headers(), response.body(),
                    CacheSource.ORIGIN), fillSequence, asked, storable, false);
        } finally {
            if (lockToken != null) {
                lease.cancel(false);
                try {
                    store.unlock(key, lockToken, fillEnd, fillEndMarkerTtl);
                } catch (CacheUnavailableException e) {
                    redisFailed(e); // the lock expires by itself
                } catch (CacheFaultException e) {
                    redisFault(key, e);
                }
            }
        }
    }

    private CachedHttpResponse staleOnError(CacheRequest request, StoredResponse candidate, long now, Exception e) {
        if (strategy.mayServeStaleOnError(request, candidate, clock.millis())) {
            staleServed.increment();
            log.debug("[Cache] STALE {} (origin unreachable: {}, stale-if-error)", request.uri(), e.toString());
            return toResponse(request, candidate, CacheSource.STALE, clock.millis());
        }
        throw new OriginUnavailableException("origin unreachable for " + request.uri() + ": " + e, e);
    }

    /** Keeps the fill lock's lease while the origin is asked; a crashed filler's lock lapses after one lease. */
    private ScheduledFuture<?> renewLease(String key, String token) {
        long every = Math.max(1, fillLockTtl.toMillis() / 3);
        return leaseRenewer.scheduleAtFixedRate(() -> {
            try {
                store.renewLock(key, token, fillLockTtl);
            } catch (RuntimeException e) {
                log.debug("[Cache] could not renew the fill lock of {}: {}", key, e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * What waiting for another instance's fill came to: its entry ({@code flight}), or "try to take the lock
     * again" (the fill was fenced, its filler crashed, or what it stored is not for this request), or neither:
     * ask the origin without the lock (the response was uncacheable or the fill failed; waiting longer would not
     * help and taking turns would only serialise the callers).
     */
    private record Waited(Flight flight, boolean retryLock) {
        static final Waited ASK_ORIGIN = new Waited(null, false);
        static final Waited RETRY_LOCK = new Waited(null, true);
    }

    /**
     * Another instance holds the fill lock: poll the lock (one GET) until its fill ends, which the filler marks
     * with how it ended, then act on that at once; never longer than {@code deadline}.
     */
    private Waited awaitOtherInstance(CacheRequest request, String key, long deadline) {
        lockWaits.increment();
        long pauseNanos = TimeUnit.MILLISECONDS.toNanos(1);
        while (System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(pauseNanos); // a backoff between polls, not test synchronisation
            // Capped low: a waiter should see the end of the fill within a few ms, and the wait itself is bounded
            // by fillLockWait, so the polling of one hot key stays a short burst.
            pauseNanos = Math.min(pauseNanos * 2, TimeUnit.MILLISECONDS.toNanos(4));
            CacheStore.FillLockState state = store.fillLockState(key);
            if (state instanceof CacheStore.FillLockState.Held) {
                continue;
            }
            if (state instanceof CacheStore.FillLockState.Ended ended && ended.how() == FillEnd.STORED) {
                CacheEntry entry = store.read(key);
                long now = clock.millis();
                Lookup found = lookup(request, entry, now);
                if (found.decision() != null && found.decision().action() == Action.SERVE) {
                    redisHits.increment();
                    log.debug("[Cache] HIT REDIS {} (filled by another instance)", key);
                    StoredResponse stored = found.decision().stored();
                    return new Waited(new Flight(toResponse(request, stored, CacheSource.REDIS, now),
                            stored.fillSequence(), NOT_ASKED, stored, false), false);
                }
                return Waited.RETRY_LOCK;
            }
            boolean retry = state instanceof CacheStore.FillLockState.Free
                    || ((CacheStore.FillLockState.Ended) state).how() == FillEnd.FENCED;
            log.debug("[Cache] the other fill of {} ended ({}), {}", key, state,
                    retry ? "taking the lock" : "asking the origin");
            return retry ? Waited.RETRY_LOCK : Waited.ASK_ORIGIN;
        }
        log.debug("[Cache] fill lock wait for {} ended, asking the origin", key);
        return Waited.ASK_ORIGIN;
    }

    /** The response as this cache would store it, or null when a shared cache may not store it. */
    private StoredResponse storableForm(CacheRequest request, String key, Origin.Response response,
                                        long requestTime, long responseTime, long fillSequence) {
        Storability storability = strategy.storability(request, response.status(), response.headers());
        if (!storability.storable()) {
            log.debug("[Cache] NOT STORED {} ({})", key, storability.reason());
            return null;
        }
        Set<String> tags = CacheTagsHeader.parse(response.headers().all(tagHeader));
        if (tooManyTags(key, tags)) {
            return null;
        }
        List<String> varyNames = CacheStrategy.varyNames(response.headers());
        StoredResponse stored = new StoredResponse(response.status(),
                CacheStrategy.storedHeaders(response.headers()), response.body(), requestTime, responseTime,
                CacheStrategy.varyValues(request.headers(), varyNames), tags, fillSequence);
        if (stored.approximateSize() > maxEntryBytes) {
            log.debug("[Cache] NOT STORED {} ({} bytes > maxEntryBytes {})", key, stored.approximateSize(),
                    maxEntryBytes);
            return null;
        }
        return stored;
    }

    /** More tags than a response may carry: it is not stored (every tag costs a set and a fence per fill). */
    private boolean tooManyTags(String key, Set<String> tags) {
        if (tags.size() <= maxTagsPerResponse) {
            return false;
        }
        log.warn("[Cache] NOT STORED {}: {} cache tags, more than maxTagsPerResponse {}", key, tags.size(),
                maxTagsPerResponse);
        return true;
    }

    /**
     * Stores a variant, replacing {@code replaced} (or a variant with the same Vary values) if present. The entry
     * (all its variants) stays within maxEntryBytes: the oldest variants make room.
     */
    private FillEnd storeVariant(String key, CacheEntry entry, StoredResponse variant, StoredResponse replaced) {
        List<StoredResponse> variants = new ArrayList<>();
        if (entry != null && !variant.varyNames().isEmpty()) {
            for (StoredResponse v : entry.variants()) {
                boolean same = v == replaced || v.varyValues().equals(variant.varyValues());
                if (!same && !v.varyNames().isEmpty()) {
                    variants.add(v);
                }
            }
        }
        variants.add(0, variant);
        if (variants.size() > MAX_VARIANTS) {
            variants = variants.subList(0, MAX_VARIANTS);
        }
        int size = 0;
        for (int i = 0; i < variants.size(); i++) {
            size += variants.get(i).approximateSize();
            if (size > maxEntryBytes) {
                if (i == 0) {
                    log.debug("[Cache] NOT STORED {} ({} bytes > maxEntryBytes {})", key, size, maxEntryBytes);
                    return FillEnd.UNCACHEABLE;
                }
                variants = variants.subList(0, i);
                break;
            }
        }
        CacheEntry updated = new CacheEntry(variants);
        long retainUntil = variants.stream().mapToLong(strategy::retainUntilMillis).max().orElse(0);
        try {
            CacheStore.FillOutcome outcome = store.fill(key, updated, retainUntil);
            if (outcome == CacheStore.FillOutcome.STORED) {
                fillsStored.increment();
                log.debug("[Cache] STORE {} tags={} seq={}", key, updated.tags(), variant.fillSequence());
                return FillEnd.STORED;
            }
            fillsDiscarded.increment();
            return FillEnd.FENCED;
        } catch (CacheUnavailableException e) {
            redisFailed(e);
        } catch (CacheFaultException e) {
            redisFault(key, e);
        }
        return FillEnd.FAILED;
    }

    /** Unsafe methods go to the origin; a 2xx or 3xx purges the URL (and its Location / Content-Location). */
    private CachedHttpResponse forwardUnsafe(CacheRequest request) {
        Origin.Response response;
        long started = System.nanoTime();
        try {
            response = origin.send(request);
        } catch (IOException e) {
            originErrors.increment();
            throw new OriginUnavailableException("origin unreachable for " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OriginUnavailableException("interrupted while asking the origin for " + request.uri(), e);
        } finally {
            originLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        // RFC 9111 4.4: any non-error status (2xx, 3xx) to an unsafe method invalidates the target URI
        if (!request.isSafeMethod() && response.status() >= 200 && response.status() < 400) {
            List<String> keys = new ArrayList<>();
            keys.add(KeyLayout.entryKey(request.uri()));
            for (String header : List.of("Location", "Content-Location")) {
                response.headers().first(header).ifPresent(value -> {
                    URI target = request.uri().resolve(value);
                    if (Objects.equals(target.getAuthority(), request.uri().getAuthority())) {
                        keys.add(KeyLayout.entryKey(target));
                    }
                });
            }
            try {
                purger.purgeKeys(keys);
                log.debug("[Cache] PURGED {} after {} {}", keys, request.method(), response.status());
            } catch (RuntimeException e) {
                redisErrors.increment();
                log.warn("[Cache] could not purge {} after {}: {}", keys, request.method(), e.toString());
            }
        }
        return new CachedHttpResponse(response.status(), response.headers(), response.body(), CacheSource.ORIGIN);
    }

    /**
     * One origin request per key at a time in this process. A follower may only take the leader's result if
     * the leader asked the origin after the follower arrived, or fetched after every purge acknowledged before
     * the follower arrived (leader's fill sequence >= the sequence the follower reads on joining); otherwise it
     * asks again, so single flight never turns a read that starts after a purge into a stale read. When the
     * sequence cannot be read (Redis unreachable from here, while purges may still be acknowledged by others),
     * only the first rule applies.
     */
    private CachedHttpResponse singleFlight(String flightKey, CacheRequest request,
                                            java.util.function.Supplier<Flight> work) {
        long arrivedNanos = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            CompletableFuture<Flight> mine = new CompletableFuture<>();
            CompletableFuture<Flight> leader = attempt < 3 ? flights.putIfAbsent(flightKey, mine) : null;
            if (leader == null) {
                try {
                    Flight flight = work.get();
                    mine.complete(flight);
                    return flight.response();
                } catch (RuntimeException e) {
                    mine.completeExceptionally(e);
                    throw e;
                } finally {
                    flights.remove(flightKey, mine);
                }
            }
            long sequenceAtJoin = currentSequenceOrUnknown();
            Flight flight;
            flightFollowers.incrementAndGet();
            try {
                flight = leader.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw e;
            } finally {
                flightFollowers.decrementAndGet();
            }
            long now = clock.millis();
            if (!strategy.mayShare(request, flight.shareable(), flight.staleOnError(), now)) {
                log.debug("[Cache] leader's response for {} is not for this caller, asking the origin", flightKey);
                return work.get().response();
            }
            boolean askedAfterArrival = flight.askedAtNanos() != NOT_ASKED
                    && flight.askedAtNanos() - arrivedNanos >= 0;
            boolean fetchedAfterKnownPurges = sequenceAtJoin >= 0 && flight.fillSequence() >= sequenceAtJoin;
            if (askedAfterArrival || fetchedAfterKnownPurges) {
                return toResponse(request, flight.shareable(), flight.response().source(), now);
            }
            log.debug("[Cache] leader of {} fetched before a purge this caller must see, asking again", flightKey);
        }
    }

    private long currentSequenceOrUnknown() {
        if (!redisUsable()) {
            return -1;
        }
        try {
            return store.sequence();
        } catch (CacheUnavailableException e) {
            redisFailed(e);
            return -1;
        } catch (CacheFaultException e) {
            redisFault(null, e);
            return -1;
        }
    }

    /**
     * Requests that may get different responses must not share a flight: the key includes the values of the
     * headers the stored variant varies on, and of the usual content-negotiation headers.
     */
    private static String flightKey(String key, CacheRequest request, StoredResponse stored) {
        StringBuilder k = new StringBuilder(request.method()).append(' ').append(key);
        List<String> names = new ArrayList<>(List.of("accept", "accept-language", "accept-encoding", "authorization"));
        if (stored != null) {
            stored.varyNames().forEach(n -> {
                if (!names.contains(n)) {
                    names.add(n);
                }
            });
        }
        for (String name : names) {
            request.headers().combined(name).ifPresent(v -> k.append('\n').append(name).append(':').append(v));
        }
        return k.toString();
    }

    /**
     * Removes expired entries now (the client also does this every {@code sweepInterval}, then prunes old
     * fences, see {@link #pruneFences()}).
     */
    public int sweepExpired() {
        int removed = store.sweepExpired(clock.millis(), SWEEP_BATCH);
        evictions.increment(removed);
        return removed;
    }

    /** Drops purge fences older than twice {@code maxEntryLifetime} (see {@link CacheStore#pruneFences}). */
    public int pruneFences() {
        return store.pruneFences(SWEEP_BATCH);
    }

    private void sweepQuietly() {
        if (!redisUsable()) {
            return;
        }
        try {
            int removed;
            do {
                removed = sweepExpired();
            } while (removed >= SWEEP_BATCH);
            if (System.nanoTime() - nextFencePruneNanos >= 0) {
                store.pruneFences(SWEEP_BATCH);
                nextFencePruneNanos = System.nanoTime() + fencePruneEveryNanos;
            }
        } catch (CacheUnavailableException e) {
            redisFailed(e);
        } catch (RuntimeException e) {
            log.warn("[Cache] expiry sweep failed: {}", e.toString());
        }
    }

    private boolean redisUsable() {
        return System.nanoTime() - redisSkipUntilNanos >= 0;
    }

    private void redisFailed(CacheUnavailableException e) {
        redisErrors.increment();
        redisSkipUntilNanos = System.nanoTime() + redisRetryAfterNanos;
        if (redisDown.compareAndSet(false, true)) {
            log.warn("[Cache] Redis unavailable, serving from near cache and origin: {}", e.getMessage());
        }
    }

    /**
     * A fault of one operation: this request goes on without Redis (a miss), the instance keeps using it. An
     * undecodable entry is removed, so the origin's answer replaces it.
     */
    private void redisFault(String key, CacheFaultException e) {
        redisFaults.increment();
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

    private void redisRecovered() {
        if (redisDown.compareAndSet(true, false)) {
            log.info("[Cache] Redis available again");
        }
    }

    /** The purge API on this client's Redis and key prefix. */
    public TagPurger purger() {
        return purger;
    }

    /** The store, for the cache manager and tests. */
    public CacheStore store() {
        return store;
    }

    /** Callers currently waiting for another caller's origin request for the same key (single flight). */
    public int singleFlightFollowers() {
        return flightFollowers.get();
    }

    public ClientStats stats() {
        return new ClientStats((long) localHits.count(), (long) redisHits.count(), (long) staleServed.count(),
                (long) revalidated.count(), (long) misses.count(), originLatency.count(), (long) originErrors.count(),
                (long) fillsStored.count(), (long) fillsDiscarded.count(), (long) redisErrors.count(),
                (long) evictions.count(), (long) lockWaits.count(), (long) redisFaults.count(),
                (long) revalidationsSkipped.count());
    }

    @Override
    public void close() {
        background.shutdownNow();
        leaseRenewer.shutdownNow();
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        store.entriesMap().destroy(); // unsubscribes this instance's near cache from invalidations
    }

    private static Counter counter(MeterRegistry registry, String name, String tagKey, String tagValue,
                                   String prefix) {
        Counter.Builder b = Counter.builder(name).tag("prefix", prefix);
        if (tagKey != null) {
            b.tag(tagKey, tagValue);
        }
        return b.register(registry);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Builder; only {@link #redisson} is required (and {@link #origin} for relative paths). */
    public static final class Builder {
        private RedissonClient redisson;
        private String keyPrefix = KeyLayout.DEFAULT_PREFIX;
        private URI origin;
        private Origin customOrigin;
        private HttpClient httpClient;
        private Duration requestTimeout = Duration.ofSeconds(5);
        private boolean nearCache = true;
        private int nearCacheMaxEntries = 10_000;
        private int maxEntryBytes = 1024 * 1024;
        private String tagHeader = CacheTagsHeader.DEFAULT_NAME;
        private MeterRegistry meterRegistry = new SimpleMeterRegistry();
        private Clock clock = Clock.systemUTC();
        private Duration redisTimeout = Duration.ofMillis(500);
        private Duration redisRetryAfter = Duration.ofSeconds(1);
        private Duration fillLockWait = Duration.ofMillis(500);
        private Duration fillLockTtl = Duration.ofMillis(300);
        private Duration staleRetention = Duration.ofMinutes(5);
        private Duration sweepInterval = Duration.ofSeconds(30);
        private Duration maxEntryLifetime = CacheStore.DEFAULT_MAX_ENTRY_LIFETIME;
        private boolean storeSetCookieResponses;
        private int maxTagsPerResponse = 64;
        private int revalidationThreads = 4;
        private int revalidationQueue = 256;

        private Builder() {
        }

        public Builder redisson(RedissonClient redisson) {
            this.redisson = Objects.requireNonNull(redisson, "redisson");
            return this;
        }

        /** Redis key prefix, default {@code catalog-cache:} (see REDIS_KEY_PREFIX). */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** Base URI that relative paths resolve against, e.g. {@code http://catalog:8080/}. */
        public Builder origin(URI origin) {
            this.origin = origin;
            return this;
        }

        /** Replaces the HTTP origin, e.g. for a non-HTTP backend or in benchmarks. */
        public Builder origin(Origin origin) {
            this.customOrigin = origin;
            return this;
        }

        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        public Builder nearCache(boolean enabled) {
            this.nearCache = enabled;
            return this;
        }

        public Builder nearCacheMaxEntries(int maxEntries) {
            if (maxEntries <= 0) {
                throw new IllegalArgumentException("nearCacheMaxEntries must be > 0, was " + maxEntries);
            }
            this.nearCacheMaxEntries = maxEntries;
            return this;
        }

        /** Responses bigger than this pass through uncached; an entry's variants together stay within it. */
        public Builder maxEntryBytes(int maxEntryBytes) {
            if (maxEntryBytes <= 0) {
                throw new IllegalArgumentException("maxEntryBytes must be > 0, was " + maxEntryBytes);
            }
            this.maxEntryBytes = maxEntryBytes;
            return this;
        }

        public Builder tagHeader(String headerName) {
            if (headerName == null || headerName.isBlank()) {
                throw new IllegalArgumentException("tagHeader must not be blank");
            }
            this.tagHeader = headerName;
            return this;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Longest wait for one Redis call before it counts as a miss. */
        public Builder redisTimeout(Duration timeout) {
            this.redisTimeout = positive(timeout, "redisTimeout");
            return this;
        }

        /** After a Redis failure, skip Redis for this long, then try again. */
        public Builder redisRetryAfter(Duration retryAfter) {
            this.redisRetryAfter = Objects.requireNonNull(retryAfter, "redisRetryAfter");
            return this;
        }

        /** How long a miss waits for another instance that is already filling the same key. */
        public Builder fillLockWait(Duration wait) {
            this.fillLockWait = Objects.requireNonNull(wait, "fillLockWait");
            return this;
        }

        /**
         * The fill lock's lease (default 300 ms), renewed every third of it while the filler waits for the origin:
         * when a filler dies, the others take over after at most this long.
         */
        public Builder fillLockTtl(Duration ttl) {
            this.fillLockTtl = positive(ttl, "fillLockTtl");
            return this;
        }

        /** How long a stale response with a validator is kept for revalidation. */
        public Builder staleRetention(Duration retention) {
            this.staleRetention = Objects.requireNonNull(retention, "staleRetention");
            return this;
        }

        /**
         * Hard cap on how long after its fill a response may be served from the cache, fresh or stale (including
         * stale-while-revalidate, stale-if-error and max-stale); default 24 h. Redis keeps no entry longer, and
         * purge fences older than twice this are pruned by the sweep. Use the same value on every instance and in
         * the cache manager: a shorter one elsewhere costs hits (entries refused early), never correctness.
         */
        public Builder maxEntryLifetime(Duration lifetime) {
            this.maxEntryLifetime = positive(lifetime, "maxEntryLifetime");
            return this;
        }

        /**
         * How often expired entries are swept from Redis and near caches, and fences older than twice
         * {@code maxEntryLifetime} pruned; zero disables.
         */
        public Builder sweepInterval(Duration interval) {
            this.sweepInterval = Objects.requireNonNull(interval, "sweepInterval");
            return this;
        }

        /**
         * Store responses that carry {@code Set-Cookie}, with that field removed (default false: they are not
         * stored). Either way a cookie is never replayed to another caller.
         */
        public Builder storeSetCookieResponses(boolean store) {
            this.storeSetCookieResponses = store;
            return this;
        }

        /** Responses with more cache tags than this are not stored (a warning is logged); default 64. */
        public Builder maxTagsPerResponse(int max) {
            if (max <= 0) {
                throw new IllegalArgumentException("maxTagsPerResponse must be > 0, was " + max);
            }
            this.maxTagsPerResponse = max;
            return this;
        }

        /**
         * Background revalidation (stale-while-revalidate) runs on {@code threads} threads with {@code queue}
         * waiting refreshes (defaults 4 and 256); when both are full, the stale response is served without a
         * refresh and {@code cache.revalidations.skipped} counts it.
         */
        public Builder backgroundRevalidation(int threads, int queue) {
            if (threads <= 0 || queue <= 0) {
                throw new IllegalArgumentException("backgroundRevalidation threads and queue must be > 0, were "
                        + threads + " and " + queue);
            }
            this.revalidationThreads = threads;
            this.revalidationQueue = queue;
            return this;
        }

        public CachingHttpClient build() {
            if (redisson == null) {
                throw new IllegalStateException("redisson is required: builder().redisson(client)");
            }
            return new CachingHttpClient(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
