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
import dev.cachesync.cache.client.SingleFlight.Flight;
import dev.cachesync.cache.store.CacheUnavailableException;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.cache.tags.CacheTagsHeader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
    private final RedisHealth health;
    private final ExpirySweep sweep;
    /** Background revalidation (stale-while-revalidate): bounded threads and queue. */
    private final ExecutorService background;
    private final int maxTagsPerResponse;
    /** Renews the leases of the fill locks this instance holds. */
    private final ScheduledExecutorService leaseRenewer;
    /** How long the end of a fill stays visible to waiters: as long as any of them may still wait. */
    private final Duration fillEndMarkerTtl;
    private final SingleFlight flights;
    private final String instanceId = UUID.randomUUID().toString();

    private final ClientMetrics metrics;

    private CachingHttpClient(Builder b) {
        this.store = new CacheStore(b.redisson, b.keyPrefix,
                new CacheStore.Options(b.nearCache, b.nearCacheMaxEntries, b.redisTimeout, b.maxEntryLifetime));
        MeterRegistry registry = b.meterRegistry;
        this.purger = TagPurger.on(store, registry);
        // "http://host" has an empty path, which URI.resolve mishandles ("http://hostproducts/1")
        this.baseUri = b.origin == null || !b.origin.getRawPath().isEmpty() ? b.origin : b.origin.resolve("/");
        this.origin = b.customOrigin != null ? b.customOrigin
                : new HttpOrigin(b.httpClient != null ? b.httpClient
                        : HttpClient.newBuilder().connectTimeout(b.requestTimeout).build(), b.requestTimeout,
                        b.maxEntryBytes);
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
        this.background = new ThreadPoolExecutor(b.revalidationThreads, b.revalidationThreads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(b.revalidationQueue), daemon("cache-revalidate"));
        ((ThreadPoolExecutor) background).allowCoreThreadTimeOut(true);
        this.maxTagsPerResponse = b.maxTagsPerResponse;
        this.metrics = new ClientMetrics(registry, b.keyPrefix, this::nearCacheSize);
        this.health = new RedisHealth(store, metrics, b.redisRetryAfter.toNanos());
        this.flights = new SingleFlight(strategy, clock, this::currentSequenceOrUnknown, this::toResponse);
        this.sweep = new ExpirySweep(store, health, metrics, clock, b.sweepInterval, b.maxEntryLifetime);
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
        CacheSource source = CacheSource.NONE; // a failure counts as a miss
        try {
            CachedHttpResponse response = sendCacheable(request);
            source = response.source();
            return response;
        } finally {
            metrics.served(source);
        }
    }

    private CachedHttpResponse sendCacheable(CacheRequest request) {
        String key = KeyLayout.entryKey(request.uri());
        long now = clock.millis();

        CacheEntry entry = store.readLocal(key);
        Lookup local = lookup(request, entry, now);
        if (local.decision() != null && local.decision().servesFromCache()) {
            return serve(request, key, entry, local.decision(), CacheSource.LOCAL, now);
        }
        if (health.usable()) {
            try {
                entry = store.read(key);
                health.recovered();
            } catch (CacheUnavailableException e) {
                health.failed(e);
            } catch (CacheFaultException e) {
                health.fault(key, e);
            }
            Lookup shared = lookup(request, entry, now);
            if (shared.decision() != null && shared.decision().servesFromCache()) {
                return serve(request, key, entry, shared.decision(), CacheSource.REDIS, now);
            }
            local = shared.decision() != null ? shared : local;
        }
        CacheDecision decision = local.decision() != null ? local.decision()
                : strategy.decide(request, null, now);
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
        return flights.run(SingleFlight.key(key, request, decision.stored()), request,
                () -> fromOrigin(request, key, known, decision, true));
    }

    private record Lookup(CacheDecision decision) {
    }


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
        String flight = SingleFlight.key(key, get, decision.stored());
        if (flights.inFlight(flight)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    flights.run(flight, get, () -> fromOrigin(get, key, entry, refresh, true));
                } catch (RuntimeException e) {
                    log.debug("[Cache] background revalidation of {} failed: {}", key, e.toString());
                }
            });
        } catch (RejectedExecutionException full) {
            // every revalidation thread busy and the queue full: the stale answer stands, a later hit refreshes
            metrics.revalidationsSkipped.increment();
            log.debug("[Cache] revalidation queue full, {} served stale without a refresh", key);
        }
    }

    /** Asks the origin (after the cross-instance fill lock), stores what may be stored, handles 304 and errors. */
    private Flight fromOrigin(CacheRequest request, String key, CacheEntry entry, CacheDecision decision,
                              boolean mayStore) {
        StoredResponse candidate = decision.stored();
        String lockToken = null;
        long fillSequence = -1; // unknown: the response will not be stored
        if (mayStore && health.usable()) {
            try {
                String token = instanceId + ":" + Thread.currentThread().getId();
                long deadline = System.nanoTime() + fillLockWait.toNanos();
                while (true) {
                    long sequence = store.tryLockAndReadSequence(key, token, fillLockTtl);
                    if (sequence >= 0) {
                        lockToken = token;
                        fillSequence = sequence; // fill step 1, read with the lock
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
                health.failed(e);
            } catch (CacheFaultException e) {
                health.fault(key, e);
            }
        }
        ScheduledFuture<?> lease = lockToken == null ? null : renewLease(key, lockToken);
        FillEnd fillEnd = FillEnd.FAILED;
        try {
            if (fillSequence < 0 && mayStore && health.usable()) {
                try {
                    fillSequence = store.sequence();
                } catch (CacheUnavailableException e) {
                    health.failed(e);
                } catch (CacheFaultException e) {
                    health.fault(key, e);
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
                metrics.originErrors.increment();
                return new Flight(staleOnError(request, candidate, requestTime, e), candidate.fillSequence(),
                        Flight.NOT_ASKED, candidate, true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OriginUnavailableException("interrupted while asking the origin for " + key, e);
            } finally {
                metrics.originLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
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
                metrics.originErrors.increment();
                closeQuietly(response);
                log.debug("[Cache] STALE {} (origin answered {}, stale-if-error)", key, response.status());
                return new Flight(toResponse(request, candidate, CacheSource.STALE, responseTime),
                        candidate.fillSequence(), Flight.NOT_ASKED, candidate, true);
            }
            StoredResponse storable = storableForm(request, key, response, requestTime, responseTime, fillSequence);
            fillEnd = storable == null ? FillEnd.UNCACHEABLE
                    : mayStore && fillSequence >= 0 ? storeVariant(key, entry, storable, null) : FillEnd.FAILED;
            return new Flight(new CachedHttpResponse(response.status(), response.headers(), response.body(),
                    CacheSource.ORIGIN, response.rest()), fillSequence, asked, storable, false);
        } finally {
            if (lockToken != null) {
                lease.cancel(false);
                try {
                    store.unlock(key, lockToken, fillEnd, fillEndMarkerTtl);
                } catch (CacheUnavailableException e) {
                    health.failed(e); // the lock expires by itself
                } catch (CacheFaultException e) {
                    health.fault(key, e);
                }
            }
        }
    }

    private CachedHttpResponse staleOnError(CacheRequest request, StoredResponse candidate, long now, Exception e) {
        if (strategy.mayServeStaleOnError(request, candidate, clock.millis())) {
            log.debug("[Cache] STALE {} (origin unreachable: {}, stale-if-error)", request.uri(), e.toString());
            return toResponse(request, candidate, CacheSource.STALE, clock.millis());
        }
        throw new OriginUnavailableException("origin unreachable for " + request.uri() + ": " + e, e);
    }

    /** Keeps the fill lock's lease while the origin is asked; a crashed filler's lock lapses after one lease. */
    private ScheduledFuture<?> renewLease(String key, String token) {
        long every = Math.max(1, fillLockTtl.toMillis() / 4);
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
        metrics.lockWaits.increment();
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
                    log.debug("[Cache] HIT REDIS {} (filled by another instance)", key);
                    StoredResponse stored = found.decision().stored();
                    return new Waited(new Flight(toResponse(request, stored, CacheSource.REDIS, now),
                            stored.fillSequence(), Flight.NOT_ASKED, stored, false), false);
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

    private static void closeQuietly(Origin.Response response) {
        if (response.rest() != null) {
            try {
                response.rest().close();
            } catch (IOException ignored) {
                // the connection is discarded either way
            }
        }
    }

    /** The response as this cache would store it, or null when a shared cache may not store it. */
    private StoredResponse storableForm(CacheRequest request, String key, Origin.Response response,
                                        long requestTime, long responseTime, long fillSequence) {
        if (!response.complete()) {
            log.debug("[Cache] NOT STORED {} (body larger than maxEntryBytes {}, passed through)", key,
                    maxEntryBytes);
            return null;
        }
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
                metrics.fillsStored.increment();
                log.debug("[Cache] STORE {} tags={} seq={}", key, updated.tags(), variant.fillSequence());
                return FillEnd.STORED;
            }
            metrics.fillsDiscarded.increment();
            return FillEnd.FENCED;
        } catch (CacheUnavailableException e) {
            health.failed(e);
        } catch (CacheFaultException e) {
            health.fault(key, e);
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
            metrics.originErrors.increment();
            throw new OriginUnavailableException("origin unreachable for " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OriginUnavailableException("interrupted while asking the origin for " + request.uri(), e);
        } finally {
            metrics.originLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
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
                metrics.redisErrors.increment();
                log.warn("[Cache] could not purge {} after {}: {}", keys, request.method(), e.toString());
            }
        }
        return new CachedHttpResponse(response.status(), response.headers(), response.body(), CacheSource.ORIGIN,
                response.rest());
    }




    private long currentSequenceOrUnknown() {
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

    /**
     * Removes expired entries now (the client also does this every {@code sweepInterval}, then prunes old
     * fences, see {@link #pruneFences()}).
     */
    public int sweepExpired() {
        return sweep.sweepExpired();
    }

    /** Drops purge fences older than twice {@code maxEntryLifetime} (see {@link CacheStore#pruneFences}). */
    public int pruneFences() {
        return sweep.pruneFences();
    }

    /** Entries in this process's near cache now (no Redis call), for {@code cache.size}. */
    private long nearCacheSize() {
        return store.nearCacheEnabled() ? store.entriesMap().getCachedMap().size() : 0;
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
        return flights.followers();
    }

    public ClientStats stats() {
        return metrics.snapshot();
    }

    @Override
    public void close() {
        background.shutdownNow();
        leaseRenewer.shutdownNow();
        sweep.close();
        store.entriesMap().destroy(); // unsubscribes this instance's near cache from invalidations
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
        private Duration fillLockTtl = Duration.ofSeconds(1);
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
         * The fill lock's lease (default 1 s), renewed every quarter of it while the filler waits for the origin:
         * when a filler dies, the others take over after at most this long (or ask the origin themselves when
         * {@code fillLockWait} ends first). A renewal that comes late only lets a second filler in.
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
