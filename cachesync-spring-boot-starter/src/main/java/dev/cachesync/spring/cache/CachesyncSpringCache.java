package dev.cachesync.spring.cache;

import dev.cachesync.cache.client.StandardCacheMeters;
import dev.cachesync.cache.http.Headers;
import dev.cachesync.cache.http.StoredResponse;
import dev.cachesync.cache.purge.PurgeResult;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.cache.store.CacheEntry;
import dev.cachesync.cache.store.CacheFaultException;
import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.CacheUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.support.AbstractValueAdaptingCache;

/**
 * One Spring {@link org.springframework.cache.Cache} on cachesync's two tiers: a method result is stored, as JSON
 * in a synthetic stored response, through the same {@link CacheStore} as HTTP entries (near cache, then Redis),
 * under its {@link CacheTags} and the tag {@code spring-cache:<name>}, with the same fill protocol: the purge
 * sequence is read before the method runs, so a purge of its tags while it runs refuses the result (fenced)
 * instead of letting it outlive the purge. Purges by tag (invalidator, {@link TagPurger}) drop results on every
 * instance; {@link #evict} and {@link #clear} are purges too.
 *
 * <p>Like the HTTP client, reads never fail because of Redis: a failed or slow read is a miss, and Redis is then
 * skipped for {@code redisRetryAfter}. {@link #get(Object, Callable)} ({@code @Cacheable(sync = true)}) is single
 * flight per instance: concurrent misses of one key run the method once.
 */
public final class CachesyncSpringCache extends AbstractValueAdaptingCache {

    private static final Logger log = LoggerFactory.getLogger(CachesyncSpringCache.class);

    private final String name;
    private final String keyPrefix;
    private final String nameTag;
    private final CacheStore store;
    private final TagPurger purger;
    private final JsonValueCodec codec;
    private final Duration timeToLive;
    private final Duration redisRetryAfter;
    private final Clock clock;
    private final StandardCacheMeters meters;
    private final Map<String, CompletableFuture<Object>> flights = new ConcurrentHashMap<>();
    private final AtomicInteger followers = new AtomicInteger();
    /** The purge sequence read at this thread's last miss: a plain {@code @Cacheable}'s put stores with it. */
    private final ThreadLocal<PendingFill> pending = new ThreadLocal<>();
    private volatile long skipRedisUntilNanos = System.nanoTime();

    private record PendingFill(String key, long sequence) {
    }

    CachesyncSpringCache(String name, CacheStore store, TagPurger purger, JsonValueCodec codec, Duration timeToLive,
                         Duration redisRetryAfter, Clock clock, StandardCacheMeters meters) {
        super(true);
        this.name = name;
        this.keyPrefix = "spring-cache:" + name + ":";
        this.nameTag = nameTag(name);
        this.store = store;
        this.purger = purger;
        this.codec = codec;
        this.timeToLive = timeToLive;
        this.redisRetryAfter = redisRetryAfter;
        this.clock = clock;
        this.meters = meters;
    }

    /** The tag every entry of cache {@code name} carries ({@link #clear} purges it): {@code spring-cache:<name>}. */
    public static String nameTag(String name) {
        String tag = ("spring-cache:" + name.toLowerCase(java.util.Locale.ROOT)).replaceAll("[^a-z0-9:_.\\-]", "-");
        return tag.length() > 128 ? tag.substring(0, 128) : tag;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Object getNativeCache() {
        return store;
    }

    /** The store's entry key of a cache key: {@code spring-cache:<name>:<key>} (never a URL's key). */
    public String entryKey(Object key) {
        return keyPrefix + key;
    }

    /** Callers now waiting for another caller's run of the same method (single flight). */
    public int singleFlightFollowers() {
        return followers.get();
    }

    @Override
    protected Object lookup(Object key) {
        String entryKey = entryKey(key);
        Object found = read(entryKey);
        if (found != null) {
            pending.remove();
            meters.hit();
            return found;
        }
        meters.miss();
        // a plain @Cacheable runs the method next and then puts: its fill starts here (DESIGN "Fill", step 1)
        pending.set(new PendingFill(entryKey, sequenceOrUnknown()));
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        String entryKey = entryKey(key);
        Object found = read(entryKey);
        if (found != null) {
            meters.hit();
            return (T) fromStoreValue(found);
        }
        meters.miss();
        CompletableFuture<Object> mine = new CompletableFuture<>();
        CompletableFuture<Object> leader = flights.putIfAbsent(entryKey, mine);
        if (leader != null) {
            followers.incrementAndGet();
            try {
                return (T) fromStoreValue(leader.join());
            } catch (CompletionException e) {
                throw new ValueRetrievalException(key, valueLoader, e.getCause());
            } finally {
                followers.decrementAndGet();
            }
        }
        try {
            // the flight before this one may have stored just now: its entry is in the near cache
            Object stored = decode(entryKey, store.readLocal(entryKey));
            if (stored != null) {
                mine.complete(stored);
                return (T) fromStoreValue(stored);
            }
            long sequence = sequenceOrUnknown(); // before the method runs: a purge during it fences the result
            T value;
            try {
                value = valueLoader.call();
            } catch (Exception e) {
                throw new ValueRetrievalException(key, valueLoader, e);
            }
            Object storeValue = toStoreValue(value);
            fill(entryKey, storeValue, sequence);
            mine.complete(storeValue);
            return value;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e instanceof ValueRetrievalException v && v.getCause() != null ? v.getCause() : e);
            throw e;
        } finally {
            flights.remove(entryKey, mine);
        }
    }

    @Override
    public void put(Object key, Object value) {
        String entryKey = entryKey(key);
        PendingFill fill = pending.get();
        pending.remove();
        // the sequence of this thread's miss of the same key, read before the method ran; else (@CachePut) now
        long sequence = fill != null && fill.key().equals(entryKey) ? fill.sequence() : sequenceOrUnknown();
        fill(entryKey, toStoreValue(value), sequence);
    }

    /** Purges this key on every instance; throws when Redis does not acknowledge (as {@link TagPurger} does). */
    @Override
    public void evict(Object key) {
        PurgeResult result = purger.purgeKeys(List.of(entryKey(key)));
        meters.evicted(result.entriesRemoved());
    }

    /** Purges every entry of this cache on every instance (the tag {@code spring-cache:<name>}). */
    @Override
    public void clear() {
        PurgeResult result = purger.purgeTags(List.of(nameTag));
        meters.evicted(result.entriesRemoved());
    }

    private void fill(String entryKey, Object storeValue, long sequence) {
        CacheTagsInterceptor.CurrentTags declared = CacheTagsInterceptor.current();
        if (sequence < 0 || !declared.valid()) {
            return; // Redis unknown (nothing is stored while it is away), or a tag no purge could find
        }
        Set<String> tags = new LinkedHashSet<>(declared.tags());
        tags.add(nameTag);
        long now = clock.millis();
        StoredResponse response = new StoredResponse(200,
                Headers.of("Content-Type", "application/json", "Cache-Control", "max-age=" + timeToLive.toSeconds()),
                codec.encode(storeValue), now, now, Map.of(), tags, sequence);
        try {
            CacheStore.FillOutcome outcome = store.fill(entryKey, CacheEntry.of(response),
                    now + timeToLive.toMillis());
            if (outcome == CacheStore.FillOutcome.STORED) {
                meters.put();
                log.debug("[Cache] STORE {} tags={} seq={}", entryKey, tags, sequence);
            }
        } catch (CacheUnavailableException e) {
            redisFailed(e);
        } catch (CacheFaultException e) {
            log.warn("[Cache] {} storing {}: {}", e.kind(), entryKey, e.getMessage());
        }
    }

    /** The fresh store value of a key from the near cache, else Redis; null for a miss (Redis trouble included). */
    private Object read(String entryKey) {
        Object local = decode(entryKey, store.readLocal(entryKey));
        if (local != null || System.nanoTime() - skipRedisUntilNanos < 0) {
            return local;
        }
        try {
            return decode(entryKey, store.read(entryKey));
        } catch (CacheUnavailableException e) {
            redisFailed(e);
        } catch (CacheFaultException e) {
            log.warn("[Cache] {} reading {}: {}", e.kind(), entryKey, e.getMessage());
        }
        return null;
    }

    private Object decode(String entryKey, CacheEntry entry) {
        if (entry == null || entry.variants().isEmpty()) {
            return null;
        }
        StoredResponse stored = entry.variants().get(0);
        long age = stored.correctedInitialAgeMillis() + Math.max(0, clock.millis() - stored.responseTimeMillis());
        if (age >= stored.freshnessLifetimeMillis()) {
            return null; // the expiry sweep removes it from Redis
        }
        try {
            return codec.decode(stored.body());
        } catch (IOException e) {
            // a class that changed or is not trusted: run the method again, its result replaces the entry
            log.warn("[Cache] cannot read {} back ({}), treating it as a miss", entryKey, e.getMessage());
            return null;
        }
    }

    private long sequenceOrUnknown() {
        if (System.nanoTime() - skipRedisUntilNanos < 0) {
            return -1;
        }
        try {
            return store.sequence();
        } catch (CacheUnavailableException e) {
            redisFailed(e);
        } catch (CacheFaultException e) {
            log.warn("[Cache] {} reading the purge sequence: {}", e.kind(), e.getMessage());
        }
        return -1;
    }

    private void redisFailed(CacheUnavailableException e) {
        skipRedisUntilNanos = System.nanoTime() + redisRetryAfter.toNanos();
        log.warn("[Cache] Redis unavailable for cache '{}', running methods uncached for {}: {}", name,
                redisRetryAfter, e.getMessage());
    }
}
