package dev.cachesync.spring.cache;

import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.StandardCacheMeters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * Spring's {@link CacheManager} over cachesync (not to be confused with cachesync's own admin facade,
 * {@code dev.cachesync.cache.manager.CacheManager}): every cache name gets a {@link CachesyncSpringCache} on the
 * caching client's store, so method results share its near cache, Redis, key prefix, expiry sweep and purges.
 */
public final class CachesyncSpringCacheManager implements CacheManager {

    private final CachingHttpClient client;
    private final JsonValueCodec codec;
    private final Duration timeToLive;
    private final Duration redisRetryAfter;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, CachesyncSpringCache> caches = new ConcurrentHashMap<>();

    /**
     * @param trustedPackages packages whose classes may be read back from Redis, besides {@code java.*}
     * @param timeToLive      how long a result is fresh (at most the client's {@code maxEntryLifetime})
     */
    public CachesyncSpringCacheManager(CachingHttpClient client, Collection<String> trustedPackages,
                                       Duration timeToLive, Duration redisRetryAfter, MeterRegistry registry,
                                       Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        if (timeToLive == null || timeToLive.toSeconds() <= 0) {
            throw new IllegalArgumentException("cachesync.cache.time-to-live must be at least 1s, was " + timeToLive);
        }
        if (timeToLive.compareTo(client.store().options().maxEntryLifetime()) > 0) {
            throw new IllegalArgumentException("cachesync.cache.time-to-live (" + timeToLive
                    + ") must not exceed cachesync.client.max-entry-lifetime ("
                    + client.store().options().maxEntryLifetime() + ")");
        }
        this.codec = new JsonValueCodec(List.copyOf(trustedPackages));
        this.timeToLive = timeToLive;
        this.redisRetryAfter = Objects.requireNonNull(redisRetryAfter, "redisRetryAfter");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Cache getCache(String name) {
        return caches.computeIfAbsent(name, n -> new CachesyncSpringCache(n, client.store(), client.purger(), codec,
                timeToLive, redisRetryAfter, clock,
                StandardCacheMeters.register(registry, n, client.store().layout().prefix())));
    }

    @Override
    public Collection<String> getCacheNames() {
        return List.copyOf(caches.keySet());
    }
}
