package dev.cachesync.cache.manager;

import dev.cachesync.cache.http.FreshnessPolicy;
import dev.cachesync.cache.http.StoredResponse;
import dev.cachesync.cache.purge.PurgeResult;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.cache.store.CacheEntry;
import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.EntryCodec;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.cache.store.Segments;
import dev.cachesync.cache.tags.CacheTag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The cache manager API: look at what is cached (by key prefix or by tag), one entry with its tags and
 * freshness, figures; purge and sweep. Reads go straight to Redis, never through a near cache, so what it
 * shows is what every instance shares.
 */
public final class CacheManager {

    private final CacheStore store;
    private final TagPurger purger;
    /** Each segment's entries hash (one on standalone Redis). */
    private final List<RMap<String, CacheEntry>> entries;
    private final Clock clock;

    private CacheManager(CacheStore store, TagPurger purger, Clock clock) {
        this.store = store;
        this.purger = purger;
        this.entries = store.segments().all().stream()
                .map(segment -> store.redisson().<String, CacheEntry>getMap(segment.entries(), EntryCodec.INSTANCE))
                .toList();
        this.clock = clock;
    }

    public static CacheManager create(RedissonClient client, String keyPrefix) {
        return create(client, keyPrefix, CacheStore.DEFAULT_MAX_ENTRY_LIFETIME);
    }

    /** With the clients' {@code maxEntryLifetime} when it is not the default (it sets the fence horizon). */
    public static CacheManager create(RedissonClient client, String keyPrefix, Duration maxEntryLifetime) {
        return create(client, keyPrefix, maxEntryLifetime, Segments.DEFAULT_CLUSTER_SEGMENTS);
    }

    /** With {@code clusterSegments} segments on a Redis Cluster (ignored on standalone Redis). */
    public static CacheManager create(RedissonClient client, String keyPrefix, Duration maxEntryLifetime,
                                      int clusterSegments) {
        CacheStore store = new CacheStore(client, keyPrefix,
                new CacheStore.Options(false, 1, Duration.ofSeconds(10), maxEntryLifetime,
                        CacheStore.DEFAULT_NEAR_CACHE_LEASE, clusterSegments));
        return new CacheManager(store, TagPurger.on(store, io.micrometer.core.instrument.Metrics.globalRegistry),
                Clock.systemUTC());
    }

    /** Entries whose key starts with {@code keyPrefix} (e.g. {@code http://catalog/products/}), lazily. */
    public Stream<EntryView> entries(String keyPrefix) {
        String pattern = escapeGlob(keyPrefix == null ? "" : keyPrefix) + "*";
        return entries.stream().flatMap(segment -> {
            Iterable<String> keys = segment.keySet(pattern, 200);
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(keys.iterator(), Spliterator.ORDERED),
                    false);
        }).map(this::entry).flatMap(Optional::stream);
    }

    /** Entries carrying {@code tag} (exact match). */
    public List<EntryView> entriesByTag(String tag) {
        String valid = new CacheTag(tag).value();
        List<EntryView> views = new ArrayList<>();
        for (KeyLayout segment : store.segments().all()) {
            for (String key : store.redisson().<String>getSet(segment.tagSet(valid), StringCodec.INSTANCE).readAll()) {
                entry(key).filter(v -> v.tags().contains(valid)).ifPresent(views::add);
            }
        }
        return views;
    }

    /**
     * What a reader would be served from Redis for each entry carrying {@code tag} (exact match): every key of the
     * tag's set read with the checked read of docs/protocol.md ("Read from Redis"), so an entry that fails its
     * fence or tag-set check is left out, and removed, as any reader would. For auditing consistency (the
     * auditor module compares what is served with the catalog's change events); the key layout stays here.
     */
    public List<TaggedResponses> servedByTag(String tag) {
        String valid = new CacheTag(tag).value();
        List<TaggedResponses> served = new ArrayList<>();
        // on a cluster each segment has its own set of the tag (the entries of that segment that carry it)
        for (KeyLayout segment : store.segments().all()) {
            for (String key : store.redisson().<String>getSet(segment.tagSet(valid), StringCodec.INSTANCE)
                    .readAll()) {
                CacheEntry entry = store.read(key); // this store has no near cache: a plain checked read
                if (entry != null && entry.tags().contains(valid)) {
                    served.add(new TaggedResponses(key, entry.variants()));
                }
            }
        }
        return served;
    }

    /** One entry (by its URL, normalised like every key) with its tags and freshness now. */
    public Optional<EntryView> entry(String url) {
        String key = KeyLayout.entryKey(url);
        CacheEntry entry = store.readRaw(key);
        if (entry == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        List<EntryView.Variant> variants = new ArrayList<>();
        for (StoredResponse v : entry.variants()) {
            long age = FreshnessPolicy.currentAgeMillis(v, now);
            long lifetime = FreshnessPolicy.freshnessLifetimeMillis(v);
            variants.add(new EntryView.Variant(v.status(), v.varyValues(), v.tags(), age / 1000, lifetime / 1000,
                    age < lifetime, v.fillSequence(), v.body().length, v.headers()));
        }
        Double score = store.expiryScore(key);
        return Optional.of(new EntryView(key, entry.tags(), variants,
                score == null ? null : Instant.ofEpochMilli(score.longValue())));
    }

    public StoreStats stats() {
        var redisson = store.redisson();
        long entryCount = 0;
        long indexed = 0;
        for (int i = 0; i < entries.size(); i++) {
            entryCount += entries.get(i).size();
            indexed += redisson.getScoredSortedSet(store.segments().all().get(i).expiryIndex(), StringCodec.INSTANCE)
                    .size();
        }
        return new StoreStats(entryCount, indexed, store.sequence(), store.fenceCount());
    }

    public PurgeResult purge(Collection<String> tags, Collection<String> keys) {
        return purger.purge(tags, keys);
    }

    /**
     * Removes entries whose retention has ended (also from near caches), then prunes fences older than twice
     * {@code maxEntryLifetime}; returns how many entries it removed.
     */
    public int sweepExpired() {
        int total = 0;
        int removed;
        do {
            removed = store.sweepExpired(clock.millis(), 1000);
            total += removed;
        } while (removed >= 1000);
        store.pruneFences(1000);
        return total;
    }

    public KeyLayout layout() {
        return store.layout();
    }

    private static String escapeGlob(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
