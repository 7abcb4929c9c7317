package dev.cachesync.cache.client;

/** Where a response came from. */
public enum CacheSource {
    /** This process's near cache (no network). */
    LOCAL,
    /** The shared Redis cache. */
    REDIS,
    /** The origin (a miss, or a response the cache does not keep). */
    ORIGIN,
    /** The stored response, confirmed by the origin with a 304 Not Modified. */
    REVALIDATED,
    /** A stored response past its freshness, allowed by stale-while-revalidate, stale-if-error or max-stale. */
    STALE,
    /** Nothing: the request said {@code only-if-cached} and nothing suitable was stored (status 504). */
    NONE
}
