package dev.cachesync.cache.client;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cachesync.cache.http.CachePlan;
import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.CacheStrategy;
import dev.cachesync.cache.http.Headers;
import dev.cachesync.cache.http.StoredResponse;
import dev.cachesync.cache.http.TargetedCacheControl;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.cache.store.CacheEntry;
import dev.cachesync.cache.store.CacheFaultException;
import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.CacheUnavailableException;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.cache.store.Segments;
import dev.cachesync.cache.tags.CacheTagsHeader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>The client decides nothing about HTTP caching itself: {@link CacheStrategy#plan} makes a {@link CachePlan}
 * from the request and what the near cache (then Redis) holds, and the client carries it out: serve,
 * refresh in the background, ask the origin through single flight and {@link OriginFill}, or pass through.
 */
public final class CachingHttpClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CachingHttpClient.class);

    private final CacheStore store;
    private final TagPurger purger;
    private final URI baseUri;
    private final CacheStrategy strategy;
    private final Clock clock;
    private final ClientMetrics metrics;
    private final RedisHealth health;
    private final ExpirySweep sweep;
    private final FillLock locks;
    private final OriginFill fills;
    private final OriginPassThrough passThrough;
    private final SingleFlight flights;
    private final NearHitAudit nearHitAudit;
    /** Background refreshes (stale-while-revalidate): bounded threads and queue. */
    private final ThreadPoolExecutor background;
    /**
     * Parsed URLs and their cache keys, by what callers pass: parsing and normalising a URL was most of a near
     * hit's cost (JFR: resolve 43 %, entryKey 14 %). Bounded, so callers passing endless distinct URLs cannot grow them.
     */
    private final Cache<String, URI> resolvedUrls = Caffeine.newBuilder().maximumSize(PARSED_URLS_KEPT).build();
    private final Cache<URI, String> entryKeys = Caffeine.newBuilder().maximumSize(PARSED_URLS_KEPT).build();
    private static final int PARSED_URLS_KEPT = 10_000;

    private CachingHttpClient(Builder b) {
        this.store = new CacheStore(b.redisson, b.keyPrefix,
                new CacheStore.Options(b.nearCache, b.nearCacheMaxEntries, b.redisTimeout, b.maxEntryLifetime,
                        b.nearCacheLease, b.clusterSegments));
        MeterRegistry registry = b.meterRegistry;
        this.purger = TagPurger.on(store, registry);
        // "http://host" has an empty path, which URI.resolve mishandles ("http://hostproducts/1")
        this.baseUri = b.origin == null || !b.origin.getRawPath().isEmpty() ? b.origin : b.origin.resolve("/");
        Origin origin = b.customOrigin != null ? b.customOrigin
                : new HttpOrigin(b.httpClient != null ? b.httpClient
                        : HttpClient.newBuilder().connectTimeout(b.requestTimeout).build(), b.requestTimeout,
                        b.maxEntryBytes);
        this.strategy = new CacheStrategy(b.staleRetention.toMillis(), b.maxEntryLifetime.toMillis(),
                b.storeSetCookieResponses, b.targetedCacheControl);
        this.clock = b.clock;
        this.metrics = new ClientMetrics(registry, b.keyPrefix, this::nearCacheSize, store::nearCacheEvents);
        this.health = new RedisHealth(store, metrics, b.redisRetryAfter.toNanos());
        this.sweep = new ExpirySweep(store, health, metrics, clock, b.sweepInterval, b.maxEntryLifetime);
        this.locks = new FillLock(store, metrics, b.fillLockTtl, b.fillLockWait);
        EntryWriter writer = new EntryWriter(store, strategy, health, metrics, b.tagHeader, b.maxEntryBytes,
                b.maxTagsPerResponse);
        this.fills = new OriginFill(store, origin, strategy, clock, health, metrics, locks, writer, b.fillLockWait);
        this.passThrough = new OriginPassThrough(origin, purger, metrics);
        this.flights = new SingleFlight(strategy, clock, fills::sequenceOrUnknown);
        this.nearHitAudit = new NearHitAudit(store, b.nearHitAuditRate, b.nearHitAuditGrace, registry, b.keyPrefix);
        this.background = new ThreadPoolExecutor(b.revalidationThreads, b.revalidationThreads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(b.revalidationQueue), r -> {
                    Thread t = new Thread(r, "cache-revalidate");
                    t.setDaemon(true);
                    return t;
                });
        background.allowCoreThreadTimeOut(true);
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

    public CompletableFuture<CachedHttpResponse> sendAsync(CacheRequest request, Executor executor) {
        return CompletableFuture.supplyAsync(() -> send(request), executor);
    }

    public URI resolve(String pathOrUrl) {
        return resolvedUrls.get(pathOrUrl, this::parse);
    }

    private URI parse(String pathOrUrl) {
        URI uri = URI.create(pathOrUrl);
        if (uri.isAbsolute()) {
            return uri;
        }
        if (baseUri == null) {
            throw new IllegalArgumentException("relative URL '" + pathOrUrl + "' but no origin base URI configured");
        }
        return baseUri.resolve(pathOrUrl);
    }

    /**
     * Sends a request through the cache. GET and HEAD may be answered from the cache; each is counted once in
     * {@link #stats()}, by how it was answered (a failure counts as a miss).
     */
    public CachedHttpResponse send(CacheRequest request) {
        CacheSource source = CacheSource.NONE;
        try {
            CachedHttpResponse response = answer(request);
            source = response.source();
            return response;
        } finally {
            if (request.isCacheableMethod()) {
                metrics.served(source);
            }
        }
    }

    private CachedHttpResponse answer(CacheRequest request) {
        String key = entryKeys.get(request.uri(), KeyLayout::entryKey);
        long now = clock.millis();
        CacheEntry local = store.readLocal(key);
        CachePlan plan = strategy.plan(request, key, variants(local), now);
        if (plan instanceof CachePlan.PassThrough pass) {
            return passThrough.send(pass);
        }
        if (plan.servesFromCache() || !health.usable()) {
            if (plan.servesFromCache()) {
                nearHitAudit.onNearHit(key, local); // sampled, checked off this thread
            }
            return execute(request, plan, key, local, CacheSource.LOCAL, now);
        }
        return afterRedisRead(request, key, local, now);
    }

    /** The near cache had nothing to serve: plan again with what Redis holds (preferred) and the near copy. */
    private CachedHttpResponse afterRedisRead(CacheRequest request, String key, CacheEntry local, long now) {
        CacheEntry shared;
        try {
            shared = store.read(key);
            health.recovered();
        } catch (CacheUnavailableException e) {
            health.failed(e);
            shared = local;
        } catch (CacheFaultException e) {
            health.fault(key, e);
            shared = local;
        }
        List<StoredResponse> candidates = new ArrayList<>(variants(shared));
        if (shared != local) {
            candidates.addAll(variants(local));
        }
        return execute(request, strategy.plan(request, key, candidates, now), key, shared, CacheSource.REDIS, now);
    }

    private static List<StoredResponse> variants(CacheEntry entry) {
        return entry == null ? List.of() : entry.variants();
    }

    /**
     * Carries out the plan for a GET or HEAD {@code request}.
     *
     * @param entry what was read for the key (a fill keeps its other variants)
     * @param tier  where a served response came from
     */
    private CachedHttpResponse execute(CacheRequest request, CachePlan plan, String key, CacheEntry entry,
                                       CacheSource tier, long now) {
        if (plan instanceof CachePlan.Serve serve) {
            CacheSource source = serve.stale() ? CacheSource.STALE : tier;
            log.debug("[Cache] HIT {} {} ({}{})", source, key, plan.reason(), serve.notModified() ? ", 304" : "");
            CachedHttpResponse answer = CachedHttpResponse.fromStored(request, serve.stored(), source, now);
            if (serve.notModified()) { // the caller's own validators match what is stored (RFC 9111 4.3.2)
                return new CachedHttpResponse(304, answer.headers().without("Content-Length"), new byte[0], source);
            }
            if (serve.range() != null) { // one range of the stored complete response (RFC 9111 3.4)
                CachePlan.ByteRange range = serve.range();
                byte[] part = request.method().equals("HEAD") ? new byte[0] : java.util.Arrays.copyOfRange(
                        serve.stored().body(), (int) range.first(), (int) range.last() + 1);
                return new CachedHttpResponse(206, answer.headers().without("Content-Length")
                        .with("Content-Range", range.contentRange()), part, source);
            }
            return answer;
        }
        if (plan instanceof CachePlan.ServeStaleAndRefresh stale) {
            log.debug("[Cache] HIT {} {} ({})", CacheSource.STALE, key, plan.reason());
            refreshInBackground(key, entry, stale.refresh());
            return CachedHttpResponse.fromStored(request, stale.stored(), CacheSource.STALE, now);
        }
        if (plan instanceof CachePlan.OnlyIfCachedMiss) {
            log.debug("[Cache] MISS {} ({}: 504)", key, plan.reason());
            return new CachedHttpResponse(504, Headers.EMPTY, new byte[0], CacheSource.NONE);
        }
        CachePlan.OriginPlan ask = (CachePlan.OriginPlan) plan;
        log.debug("[Cache] MISS {} {} ({})", ask.request().method(), key, plan.reason());
        if (ask.flight() instanceof CachePlan.Flight.Join join) {
            return flights.run(join.key(), ask.request(), () -> fills.run(key, entry, ask));
        }
        return fills.run(key, entry, ask).response();
    }

    /**
     * Runs {@code refresh} on the bounded background pool, unless its flight is already under way. It is no
     * request of its own: it counts in no request statistic. When the pool and its queue are full, the stale
     * answer stands without a refresh (a later hit tries again) and {@code cache.revalidations.skipped} counts it.
     */
    private void refreshInBackground(String key, CacheEntry entry, CachePlan.OriginPlan refresh) {
        String flight = refresh.flight() instanceof CachePlan.Flight.Join join ? join.key() : null;
        if (flight != null && flights.inFlight(flight)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    if (flight == null) {
                        fills.run(key, entry, refresh);
                    } else {
                        flights.run(flight, refresh.request(), () -> fills.run(key, entry, refresh));
                    }
                } catch (RuntimeException e) {
                    log.debug("[Cache] background refresh of {} failed: {}", key, e.toString());
                }
            });
        } catch (RejectedExecutionException full) {
            metrics.revalidationsSkipped.increment();
            log.debug("[Cache] refresh queue full, {} served stale without a refresh", key);
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
        return store.nearCacheSize();
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
        nearHitAudit.close();
        locks.close();
        sweep.close();
        store.close(); // unsubscribes this instance's near cache from invalidations
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
        private Duration nearCacheLease = CacheStore.DEFAULT_NEAR_CACHE_LEASE;
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
        private TargetedCacheControl targetedCacheControl = TargetedCacheControl.DEFAULT;
        private double nearHitAuditRate;
        private Duration nearHitAuditGrace = Duration.ofSeconds(1);
        private int clusterSegments = Segments.DEFAULT_CLUSTER_SEGMENTS;

        private Builder() {
        }

        /**
         * On a Redis Cluster (a Redisson client configured with {@code useClusterServers()}, e.g. from
         * {@code REDIS_CLUSTER_NODES}): how many segments the cache is split into, default
         * {@link Segments#DEFAULT_CLUSTER_SEGMENTS}. Every instance, the invalidator and the cache manager must use
         * the same count (docs/protocol.md, "Segmented layout"). Ignored on standalone Redis.
         */
        public Builder clusterSegments(int clusterSegments) {
            this.clusterSegments = clusterSegments;
            return this;
        }

        public Builder redisson(RedissonClient redisson) {
            this.redisson = Objects.requireNonNull(redisson, "redisson");
            return this;
        }

        /** Redis key prefix, default {@code catalog-cache:} (see REDIS_KEY_PREFIX). */
        public Builder keyPrefix(String keyPrefix) {
            if (keyPrefix == null || keyPrefix.isBlank()) {
                throw new IllegalArgumentException("keyPrefix must not be blank, was '" + keyPrefix + "'");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** Base URI that relative paths resolve against, e.g. {@code http://catalog:8080/}. */
        public Builder origin(URI origin) {
            Objects.requireNonNull(origin, "origin");
            if (!origin.isAbsolute() || origin.getHost() == null) {
                throw new IllegalArgumentException("origin must be an absolute URI with a host, e.g."
                        + " http://catalog:8080/, was " + origin);
            }
            this.origin = origin;
            return this;
        }

        /** Replaces the HTTP origin, e.g. for a non-HTTP backend or in benchmarks. */
        public Builder origin(Origin origin) {
            this.customOrigin = Objects.requireNonNull(origin, "origin(Origin)");
            return this;
        }

        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
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

        /**
         * How long the near cache serves after the send of the last probe that came back on its invalidation
         * channel (probed every quarter of it); default 1 s. Past it, reads go to Redis, and the near cache is
         * cleared when a probe comes back: a near-cache hit is never older than a purge by more than this, even
         * when the channel is cut. Shorter costs one PUBLISH per instance more often; longer widens the bound.
         */
        public Builder nearCacheLease(Duration lease) {
            this.nearCacheLease = positive(lease, "nearCacheLease");
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
            this.redisRetryAfter = notNegative(retryAfter, "redisRetryAfter");
            return this;
        }

        /** How long a miss waits for another instance that is already filling the same key. */
        public Builder fillLockWait(Duration wait) {
            this.fillLockWait = notNegative(wait, "fillLockWait");
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

        /**
         * How long a stale response is kept past its freshness: for revalidation when it has a validator, and for a
         * request's {@code max-stale} when it may be served stale (not must-revalidate, proxy-revalidate, s-maxage).
         */
        public Builder staleRetention(Duration retention) {
            this.staleRetention = notNegative(retention, "staleRetention");
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
            this.sweepInterval = notNegative(interval, "sweepInterval");
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

        /**
         * A targeted cache-control field of this cache's own (RFC 9213), e.g. {@code Cachesync-Cache-Control}:
         * when a response carries a valid one, its directives alone decide how cachesync caches it (Cache-Control,
         * Expires and {@code CDN-Cache-Control} are then ignored here); otherwise {@code CDN-Cache-Control}, then
         * Cache-Control. By default only {@code CDN-Cache-Control} is honoured. The fields are passed on unchanged.
         */
        public Builder targetedCacheControl(String field) {
            this.targetedCacheControl = TargetedCacheControl.withOwnField(field);
            return this;
        }

        /** The whole target list, e.g. {@link TargetedCacheControl#NONE} to follow Cache-Control only. */
        public Builder targetedCacheControl(TargetedCacheControl targeted) {
            this.targetedCacheControl = Objects.requireNonNull(targeted, "targeted");
            return this;
        }

        /**
         * Samples this share of near-cache hits (0..1, default 0: off) against Redis on a thread of its own, never
         * on the caller's: a copy Redis no longer holds that is still in the near cache {@code grace} (default 1 s,
         * the protocol's near-cache bound) later counts as {@code stale} in {@code cache.consistency.checks}, else
         * {@code consistent}. A sample costs one Redis read; 0.001 to 0.01 is plenty for a busy instance.
         */
        public Builder nearHitAudit(double rate, Duration grace) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("nearHitAudit rate must be within 0..1, was " + rate);
            }
            this.nearHitAuditRate = rate;
            this.nearHitAuditGrace = positive(grace, "nearHitAudit grace");
            return this;
        }

        /** {@link #nearHitAudit(double, Duration)} with the default grace of 1 s. */
        public Builder nearHitAudit(double rate) {
            return nearHitAudit(rate, Duration.ofSeconds(1));
        }

        public CachingHttpClient build() {
            if (customOrigin != null && httpClient != null) {
                // the HttpClient would be silently unused: say which setting wins instead
                throw new IllegalStateException("httpClient is for the HTTP origin, but origin(Origin) replaces it:"
                        + " set one of them");
            }
            if (redisson == null) {
                throw new IllegalStateException("redisson is required: builder().redisson(client)");
            }
            return new CachingHttpClient(this);
        }

        private static Duration notNegative(Duration d, String name) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be zero or positive, was " + d);
            }
            return d;
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
