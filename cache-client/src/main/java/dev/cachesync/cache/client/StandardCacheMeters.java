package dev.cachesync.cache.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Objects;

/**
 * Micrometer's standard cache meters ({@code cache.gets{result=hit|miss}}, {@code cache.puts},
 * {@code cache.evictions}, {@code cache.size}), which dashboards for any cache understand, beside cachesync's
 * tier-specific ones. Every cachesync cache meter carries the tags {@code cache} (the cache's name) and
 * {@code prefix} (its Redis key prefix): one meter name has one set of tag keys in a registry, as Prometheus
 * requires, so {@code cache.evictions} is a single meter for the client (the expiry sweep's removals) and for a
 * Spring cache (its evictions).
 *
 * <p>Two uses: a {@link CachingHttpClient} derives gets and puts from its tier meters ({@link #bindDerived}), so
 * every request is counted once; a cache that counts for itself (the Spring Cache adapter) {@link #register}s
 * counters and calls {@link #hit()}, {@link #miss()}, {@link #put()}, {@link #evicted(long)}.
 */
public final class StandardCacheMeters {

    public static final String GETS = "cache.gets";
    public static final String PUTS = "cache.puts";
    public static final String EVICTIONS = "cache.evictions";
    public static final String SIZE = "cache.size";

    private final Counter hits;
    private final Counter misses;
    private final Counter puts;
    private final Counter evictions;

    private StandardCacheMeters(MeterRegistry registry, Tags tags) {
        this.hits = Counter.builder(GETS).tags(tags).tag("result", "hit")
                .description("the number of times cache lookup methods have returned a cached value").register(registry);
        this.misses = Counter.builder(GETS).tags(tags).tag("result", "miss")
                .description("the number of times cache lookup methods have not returned a cached value")
                .register(registry);
        this.puts = Counter.builder(PUTS).tags(tags).description("the number of entries added to the cache")
                .register(registry);
        this.evictions = evictionCounter(registry, tags);
    }

    /** The tags of every meter of the cache {@code cacheName} under {@code keyPrefix}. */
    public static Tags tags(String cacheName, String keyPrefix) {
        return Tags.of("cache", Objects.requireNonNull(cacheName, "cacheName"), "prefix",
                Objects.requireNonNull(keyPrefix, "keyPrefix"));
    }

    /** The name a caching client's cache goes by: its key prefix without the trailing separator. */
    public static String cacheName(String keyPrefix) {
        String name = keyPrefix.endsWith(":") ? keyPrefix.substring(0, keyPrefix.length() - 1) : keyPrefix;
        return name.isEmpty() ? keyPrefix : name;
    }

    /** Counters for a cache that counts its own gets, puts and evictions. */
    public static StandardCacheMeters register(MeterRegistry registry, String cacheName, String keyPrefix) {
        return new StandardCacheMeters(registry, tags(cacheName, keyPrefix));
    }

    /** {@code cache.evictions} with the standard tags (the client's expiry sweep counts on it). */
    static Counter evictionCounter(MeterRegistry registry, Tags tags) {
        return Counter.builder(EVICTIONS).tags(tags).description("the number of entries evicted from the cache")
                .register(registry);
    }

    /**
     * {@code cache.gets} and {@code cache.puts} read from a client's tier meters: a hit is an answer from stored
     * content (near cache, Redis, stale, or revalidated with a 304), a miss anything else; a put is a stored fill.
     */
    static void bindDerived(MeterRegistry registry, Tags tags, ClientMetrics metrics) {
        FunctionCounter.builder(GETS, metrics, m -> m.localHits.count() + m.redisHits.count()
                        + m.staleServed.count() + m.revalidated.count())
                .tags(tags).tag("result", "hit").register(registry);
        FunctionCounter.builder(GETS, metrics, m -> m.misses.count()).tags(tags).tag("result", "miss")
                .register(registry);
        FunctionCounter.builder(PUTS, metrics, m -> m.fillsStored.count()).tags(tags).register(registry);
    }

    /**
     * {@code cache.size} from {@code size}, read at each scrape; it must be cheap (no network call). The gauge
     * holds {@code owner} weakly, as Micrometer gauges do: it reports NaN once the owner is gone.
     */
    static <T> void bindSize(MeterRegistry registry, Tags tags, T owner, java.util.function.ToLongFunction<T> size) {
        Gauge.builder(SIZE, owner, o -> size.applyAsLong(o)).tags(tags)
                .description("the number of entries in this process's near cache").register(registry);
    }

    public void hit() {
        hits.increment();
    }

    public void miss() {
        misses.increment();
    }

    public void put() {
        puts.increment();
    }

    public void evicted(long entries) {
        if (entries > 0) {
            evictions.increment(entries);
        }
    }
}
