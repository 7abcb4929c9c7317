package dev.cachesync.cache.purge;

import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.cache.store.Segments;
import dev.cachesync.cache.tags.CacheTagsHeader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The purge API (DESIGN "The purge and the fill", steps 1-4), used by the invalidator, the cache manager
 * and the caching client after unsafe requests. {@link #purge} returns only after Redis acknowledged every
 * step and throws (a RuntimeException) when Redis is unreachable, so callers can retry: a purge is
 * idempotent apart from consuming a sequence number.
 *
 * <p>Tag matching is exact set membership: purging {@code user:1} never touches {@code superuser:1}
 * or {@code user:10}; there is no pattern matching and no SCAN.
 */
public final class TagPurger {

    private static final Logger log = LoggerFactory.getLogger(TagPurger.class);
    /** Redisson retries internally; this only bounds a call that would otherwise hang. */
    private static final Duration PURGE_OPERATION_TIMEOUT = Duration.ofSeconds(30);

    private final CacheStore store;
    private final Counter purges;
    private final Counter purgedEntries;

    private TagPurger(CacheStore store, MeterRegistry registry) {
        this.store = store;
        this.purges = Counter.builder("cache.purges").description("purges acknowledged by Redis").register(registry);
        this.purgedEntries = Counter.builder("cache.purged.entries").description("entries removed by purges")
                .register(registry);
    }

    /**
     * A purger on {@code client} for the cache under {@code keyPrefix} (e.g. {@code catalog-cache:}). Create it
     * once and reuse it: it is thread-safe and holds a Redisson map subscription.
     */
    public static TagPurger create(RedissonClient client, String keyPrefix) {
        return create(client, keyPrefix, Metrics.globalRegistry);
    }

    public static TagPurger create(RedissonClient client, String keyPrefix, MeterRegistry registry) {
        return create(client, keyPrefix, registry, Segments.DEFAULT_CLUSTER_SEGMENTS);
    }

    /**
     * With {@code clusterSegments} segments on a Redis Cluster (ignored on standalone Redis): the count every
     * client of the cache uses (docs/protocol.md, "Segmented layout").
     */
    public static TagPurger create(RedissonClient client, String keyPrefix, MeterRegistry registry,
                                   int clusterSegments) {
        // A purger never reads entries: its own near cache stays empty, a size of 1 keeps it negligible.
        CacheStore store = new CacheStore(client, keyPrefix, new CacheStore.Options(false, 1, PURGE_OPERATION_TIMEOUT,
                CacheStore.DEFAULT_MAX_ENTRY_LIFETIME, CacheStore.DEFAULT_NEAR_CACHE_LEASE, clusterSegments));
        return new TagPurger(store, registry);
    }

    /** For the caching client, which shares its store. */
    public static TagPurger on(CacheStore store, MeterRegistry registry) {
        return new TagPurger(store, registry);
    }

    /**
     * Purges every entry carrying one of {@code tags} and the entries stored under {@code keys}.
     *
     * @throws IllegalArgumentException naming the first invalid tag (nothing is purged then)
     * @throws RuntimeException         when Redis did not acknowledge (retry the purge)
     */
    public PurgeResult purge(Collection<String> tags, Collection<String> keys) {
        Set<String> validTags = CacheTagsHeader.requireValid(tags == null ? List.of() : tags);
        Set<String> explicitKeys = new LinkedHashSet<>();
        for (String key : keys == null ? List.<String>of() : keys) {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("purge key must not be null or empty");
            }
            explicitKeys.add(key);
        }
        if (validTags.isEmpty() && explicitKeys.isEmpty()) {
            return new PurgeResult(store.sequence(), Set.of(), 0, List.of());
        }
        // 1 + 2: sequence and fences first, so a fill that started before now cannot survive its fence check.
        CacheStore.PurgeStart start = store.beginPurge(validTags, explicitKeys);
        Set<String> targets = new LinkedHashSet<>(start.taggedKeys());
        targets.addAll(explicitKeys);
        // 3 + 4: remove through Redisson (near caches invalidated), then unindex keys that stayed absent.
        long removed = store.remove(targets, start.keysByTag());
        purges.increment();
        purgedEntries.increment(removed);
        log.debug("[Cache] PURGE seq={} tags={} keys={} removed={}", start.sequence(), validTags, explicitKeys.size(),
                removed);
        return new PurgeResult(start.sequence(), validTags, (int) removed, new ArrayList<>(targets));
    }

    public PurgeResult purgeTags(Collection<String> tags) {
        return purge(tags, List.of());
    }

    public PurgeResult purgeKeys(Collection<String> keys) {
        return purge(List.of(), keys);
    }

    /** Purges the entries of these URLs (their cache keys are computed the way the client computes them). */
    public PurgeResult purgeUrls(Collection<URI> urls) {
        List<String> keys = new ArrayList<>();
        for (URI url : Objects.requireNonNull(urls, "urls")) {
            keys.add(KeyLayout.entryKey(url));
        }
        return purge(List.of(), keys);
    }

    /**
     * For a purger fed from a log (the invalidator): records that the purges of {@code source} (an input
     * partition) up to {@code offset} are applied, unless Redis holds less than {@code expectedAtLeast}, i.e.
     * lost acknowledged purges (restored from an older snapshot, failed over to a lagging replica). Returns what
     * Redis held before (-1 when nothing); below {@code expectedAtLeast} means nothing was written and the caller
     * must re-apply from there.
     */
    public long recordApplied(String source, long offset, long expectedAtLeast) {
        return recordApplied(source, offset, expectedAtLeast, 0, Duration.ZERO);
    }

    /**
     * As {@link #recordApplied(String, long, long)}, then waits until {@code replicas} replicas hold the record and
     * every purge before it (Redis WAIT), at most {@code timeout}; fewer throws (retry: a failover to a replica
     * that acknowledged cannot lose the purges).
     */
    public long recordApplied(String source, long offset, long expectedAtLeast, int replicas, Duration timeout) {
        return store.recordApplied(source, offset, expectedAtLeast, replicas, timeout);
    }

    /**
     * Makes every instance drop its near cache (see {@link CacheStore#clearNearCachesEverywhere()}): for a purger
     * that learned Redis lost data, after it re-applied the lost purges. Returns how many subscribers heard it.
     */
    public long clearNearCachesEverywhere() {
        return store.clearNearCachesEverywhere();
    }

    /** The applied offsets Redis holds, by source. */
    public java.util.Map<String, Long> appliedOffsets() {
        return store.appliedOffsets();
    }
}
