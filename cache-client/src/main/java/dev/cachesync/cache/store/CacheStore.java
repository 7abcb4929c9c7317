package dev.cachesync.cache.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RMap;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.cache.LocalCachedMessageCodec;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis side of the cache: entries in one hash (the layout of a Redisson {@link RLocalCachedMap}), tag sets,
 * the expiry index, the purge sequence and the fences, and this instance's near cache. A Redis hit is one
 * script (entry, fences and tag-set membership), a fill one script (fence check, index, write), a removal one
 * script per chunk; the writing scripts publish Redisson's near-cache invalidation message, so other instances
 * (and any {@code RLocalCachedMap} on the hash) drop their copies. The near cache holds checked entries only
 * ({@link NearCache}). Every call is bounded by {@code operationTimeout}; it fails with
 * {@link CacheUnavailableException} when Redis is unreachable and with {@link CacheFaultException} for a fault
 * of that operation alone.
 */
public final class CacheStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CacheStore.class);

    /**
     * @param nearCache           keep a near cache of entries in this process
     * @param nearCacheMaxEntries near-cache bound (entries; Caffeine's size eviction, LRU-like); with
     *                            {@code maxEntryBytes} the memory bound is the product.
     * @param operationTimeout    longest wait for one Redis operation
     * @param maxEntryLifetime    the cap on how long after its fill an entry may be served (the clients'
     *                            {@code maxEntryLifetime}); fences older than twice this are pruned
     * @param nearCacheLease      how long the near cache serves after the send of the last probe that came back
     *                            on its invalidation channel ({@link NearCacheLease}); bounds its staleness
     */
    public record Options(boolean nearCache, int nearCacheMaxEntries, Duration operationTimeout,
                          Duration maxEntryLifetime, Duration nearCacheLease, int clusterSegments) {
        public Options {
            if (clusterSegments < 1 || clusterSegments > Segments.MAX_SEGMENTS) {
                throw new IllegalArgumentException("clusterSegments must be 1-" + Segments.MAX_SEGMENTS + ", was "
                        + clusterSegments);
            }
            if (nearCacheLease == null || nearCacheLease.isNegative() || nearCacheLease.isZero()) {
                throw new IllegalArgumentException("nearCacheLease must be positive, was " + nearCacheLease);
            }
            if (nearCacheMaxEntries <= 0) {
                throw new IllegalArgumentException("nearCacheMaxEntries must be > 0, was " + nearCacheMaxEntries);
            }
            Objects.requireNonNull(operationTimeout, "operationTimeout");
            if (maxEntryLifetime == null || maxEntryLifetime.isNegative() || maxEntryLifetime.isZero()) {
                throw new IllegalArgumentException("maxEntryLifetime must be positive, was " + maxEntryLifetime);
            }
        }

        /** With the default {@link Segments#DEFAULT_CLUSTER_SEGMENTS} (used only on a Redis Cluster). */
        public Options(boolean nearCache, int nearCacheMaxEntries, Duration operationTimeout,
                       Duration maxEntryLifetime, Duration nearCacheLease) {
            this(nearCache, nearCacheMaxEntries, operationTimeout, maxEntryLifetime, nearCacheLease,
                    Segments.DEFAULT_CLUSTER_SEGMENTS);
        }

        /** With the default {@link #DEFAULT_MAX_ENTRY_LIFETIME}. */
        public Options(boolean nearCache, int nearCacheMaxEntries, Duration operationTimeout) {
            this(nearCache, nearCacheMaxEntries, operationTimeout, DEFAULT_MAX_ENTRY_LIFETIME);
        }

        /** With the default {@link #DEFAULT_NEAR_CACHE_LEASE}. */
        public Options(boolean nearCache, int nearCacheMaxEntries, Duration operationTimeout,
                       Duration maxEntryLifetime) {
            this(nearCache, nearCacheMaxEntries, operationTimeout, maxEntryLifetime, DEFAULT_NEAR_CACHE_LEASE);
        }

        /**
         * How old a fence may get before it is pruned: twice {@code maxEntryLifetime}. A fill refused by a
         * pruned fence started before that purge, so more than the horizon ago; the margin of one lifetime
         * covers its origin request and lock wait (seconds) and clock skew between instances, so such a fill's
         * entry is already past the cap when the floor starts refusing it (see {@link #pruneFences}).
         */
        public Duration fenceHorizon() {
            return maxEntryLifetime.multipliedBy(2);
        }
    }

    /** Default cap on how long after its fill an entry may be served: 24 hours. */
    public static final Duration DEFAULT_MAX_ENTRY_LIFETIME = Duration.ofHours(24);

    /** Default near-cache lease: 1 second (probed every 250 ms). */
    public static final Duration DEFAULT_NEAR_CACHE_LEASE = Duration.ofSeconds(1);

    /** Outcome of a fill. */
    public enum FillOutcome {
        /** Indexed and written: readers may use it. */
        STORED,
        /** A purge newer than the fill's sequence touched its tags or key: the content may be old. */
        DISCARDED_BY_FENCE,
        /**
         * Redis lost data since the fill read its sequence (restarted empty, restored an older snapshot, failed
         * over to a replica that missed writes): the fences that would have refused it may be gone.
         */
        DISCARDED_AFTER_DATA_LOSS
    }

    private final RedissonClient client;
    private final Segments segments;
    private final Options options;
    private final Invalidations invalidations;
    /** Null when the near cache is off (the purger, the cache manager). */
    private final NearCache near;
    /** Created on first use of {@link #entriesMap()}: tools and tests that write as an old release would. */
    private volatile RLocalCachedMap<String, CacheEntry> entries;
    private final RScript script;
    /** For the scripts that carry an entry or an invalidation message (bytes, not text). */
    private final RScript binaryScript;

    public CacheStore(RedissonClient client, String keyPrefix, Options options) {
        this.client = Objects.requireNonNull(client, "redisson");
        this.options = Objects.requireNonNull(options, "options");
        // the client's configuration says which: a cluster needs the segmented layout, standalone keeps the old one
        this.segments = client.getConfig().isClusterConfig()
                ? Segments.cluster(keyPrefix, options.clusterSegments()) : Segments.standalone(keyPrefix);
        LayoutRecord.check(client, segments);
        this.invalidations = new Invalidations(segments.invalidationTopic());
        this.near = options.nearCache() ? new NearCache(client, invalidations, options.nearCacheMaxEntries(),
                options.nearCacheLease()) : null;
        this.script = client.getScript(StringCodec.INSTANCE);
        this.binaryScript = client.getScript(ScriptCodec.INSTANCE);
    }

    /** The layout under the configured prefix; on a cluster, each key lives in its segment ({@link #segments()}). */
    public KeyLayout layout() {
        return segments.base();
    }

    /** The segments of this store: one on standalone Redis, {@link Options#clusterSegments()} on a cluster. */
    public Segments segments() {
        return segments;
    }

    /** The near-cache invalidation channel every writer publishes on. */
    public String invalidationTopic() {
        return invalidations.topic();
    }

    /** The entries hash of a segment, without any near cache, for reads that are not served. */
    private RMap<String, CacheEntry> raw(KeyLayout segment) {
        return client.getMap(segment.entries(), EntryCodec.INSTANCE);
    }

    private RMap<String, String> fences(KeyLayout segment) {
        return client.getMap(segment.fences(), StringCodec.INSTANCE);
    }

    private RScoredSortedSet<String> expiry(KeyLayout segment) {
        return client.getScoredSortedSet(segment.expiryIndex(), StringCodec.INSTANCE);
    }

    public RedissonClient redisson() {
        return client;
    }

    /**
     * A Redisson local cached map on the entries hash, as releases before the one-trip read wrote through: its
     * writes and removals invalidate every near cache. The store itself writes with its scripts; this is for
     * tools and tests that write as such a release would (a write through it is not indexed nor fence-checked).
     */
    public RLocalCachedMap<String, CacheEntry> entriesMap() {
        if (segments.clustered()) {
            throw new UnsupportedOperationException("no release before segments ran on Redis Cluster: there is no "
                    + "one entries map to write through");
        }
        KeyLayout layout = segments.base();
        RLocalCachedMap<String, CacheEntry> map = entries;
        if (map == null) {
            synchronized (this) {
                if (entries == null) {
                    entries = client.getLocalCachedMap(LocalCachedMapOptions.<String, CacheEntry>name(layout.entries())
                            .codec(EntryCodec.INSTANCE)
                            .cacheSize(1)
                            .syncStrategy(LocalCachedMapOptions.SyncStrategy.INVALIDATE)
                            .reconnectionStrategy(LocalCachedMapOptions.ReconnectionStrategy.CLEAR));
                }
                map = entries;
            }
        }
        return map;
    }

    /** Unsubscribes the near cache from invalidations and drops it (the entries in Redis stay). */
    @Override
    public void close() {
        if (near != null) {
            near.close();
        }
        RLocalCachedMap<String, CacheEntry> map = entries;
        if (map != null) {
            map.destroy();
        }
    }

    /**
     * Tells every instance's near cache (cache-client's and Redisson {@code RLocalCachedMap}s on the same entries) to
     * drop everything, with Redisson's clear message on the entries topic, and drops this store's own. For when
     * Redis lost data: purges re-applied then find no keys to remove, so they reach no near cache
     * (docs/protocol.md, "Healing from Kafka"). No acknowledgement is asked for. Returns how many subscribers
     * received the message.
     */
    public long clearNearCachesEverywhere() {
        long receivers = await(client.getTopic(invalidations.topic(), LocalCachedMessageCodec.INSTANCE)
                .publishAsync(invalidations.clearMessage()), "publish near-cache clear");
        if (near != null) {
            near.clear();
        }
        return receivers;
    }

    /** For tests of this package. */
    NearCache nearCache() {
        return near;
    }

    /** How many entries the near cache holds now (Caffeine's estimate; no Redis call); 0 when it is off. */
    public long nearCacheSize() {
        return near == null ? 0 : near.size();
    }

    /**
     * How many times the near cache's invalidation subscription was (re-)established, each after clearing the near
     * cache (0 when the near cache is off). Until it moves after a lost connection, purges made meanwhile may not
     * have reached this near cache; once it has moved, nothing older than the subscription is held.
     */
    public long nearCacheSubscriptions() {
        return near == null ? 0 : near.subscriptions();
    }

    /**
     * True while the near cache holds its lease (a probe on its invalidation channel came back within
     * {@link Options#nearCacheLease()}) and so may serve; false when it is off or the channel is cut.
     */
    public boolean nearCacheLeaseHeld() {
        return near != null && near.leaseHeld();
    }

    /** Lease lapses, lease regains, and whole near-cache clears since start (0 when the near cache is off). */
    public NearCacheEvents nearCacheEvents() {
        return near == null ? new NearCacheEvents(0, 0, 0)
                : new NearCacheEvents(near.leaseLost(), near.leaseRegained(), near.clears());
    }

    /**
     * @param leaseLost     times the near-cache lease ran out (the near cache stopped serving)
     * @param leaseRegained times a probe came back after that (the near cache was cleared and serves again)
     * @param cleared       whole near-cache clears: resubscriptions, clear broadcasts, leases regained
     */
    public record NearCacheEvents(long leaseLost, long leaseRegained, long cleared) {
    }

    public boolean nearCacheEnabled() {
        return options.nearCache();
    }

    /** The near-cache copy only (no Redis call); null when absent or near cache is off. Always a checked entry. */
    public CacheEntry readLocal(String key) {
        return near == null ? null : near.get(key);
    }

    /**
     * Reads from Redis in one round trip ({@link RedisScripts#READ_ENTRY}: the entry with its fences and its
     * tag-set membership) and drops variants whose fill predates a purge of one of their tags or of the key (a
     * fill caught between its store and its fence check, DESIGN Fill step 4), and entries missing from one of
     * their tags' sets (the next purge of that tag would not find them). Only an entry that passed whole enters
     * the near cache, and only if no invalidation of its key arrived while it was read ({@link NearCache}); if
     * one did, the key is read once more (that message is usually the write this read already saw, e.g. another
     * instance's fill, still on its way), so a read right after another instance's write still fills the near
     * cache.
     */
    public CacheEntry read(String key) {
        return read(key, true);
    }

    private CacheEntry read(String key, boolean mayRetry) {
        NearCache.Stamp stamp = near == null ? null : near.stamp(key);
        KeyLayout layout = segments.of(key);
        // READ_WRITE routes it to the primary: a replica may not have a purge's fences yet
        List<Object> result = await(binaryScript.evalAsync(layout.entries(), RScript.Mode.READ_WRITE,
                RedisScripts.READ_ENTRY, RScript.ReturnType.LIST, List.of(layout.entries(), layout.fences()),
                key, layout.tagSet(""), KeyLayout.keyFenceField(key), KeyLayout.PRUNED_FENCE_FLOOR_FIELD),
                "read " + key);
        long state = ((Number) result.get(0)).longValue();
        if (state == 0) {
            return null;
        }
        CacheEntry entry = decode(key, (byte[]) result.get(1));
        if (entry == null || state != 2) {
            // a format this release does not know (a newer one's during a rolling upgrade): a miss here, and
            // never served unchecked
            return null;
        }
        if (((Number) result.get(2)).longValue() > 0) {
            log.debug("[Cache] UNINDEXED {}: entry missing from its tag sets, removing it", key);
            remove(List.of(key), entry.tags());
            return null;
        }
        Map<String, String> fenceValues = new java.util.HashMap<>();
        putFence(fenceValues, KeyLayout.keyFenceField(key), result.get(3));
        putFence(fenceValues, KeyLayout.PRUNED_FENCE_FLOOR_FIELD, result.get(4));
        for (int i = 5; i + 1 < result.size(); i += 2) {
            putFence(fenceValues, text(result.get(i)), result.get(i + 1));
        }
        List<dev.cachesync.cache.http.StoredResponse> valid = new ArrayList<>();
        for (var variant : entry.variants()) {
            if (maxFence(fenceValues, variant.tags(), key) <= variant.fillSequence()) {
                valid.add(variant);
            }
        }
        if (valid.size() == entry.variants().size()) {
            if (near != null && !near.putIfUnchanged(key, entry, stamp) && mayRetry) {
                return read(key, false);
            }
            return entry;
        }
        log.debug("[Cache] FENCED {}: entry filled before a purge, removing it", key);
        remove(List.of(key), entry.tags());
        return valid.isEmpty() ? null : new CacheEntry(valid);
    }

    private static CacheEntry decode(String key, byte[] bytes) {
        try {
            return EntryCodec.fromBytes(bytes);
        } catch (IOException | RuntimeException e) {
            throw new CacheFaultException(CacheFaultException.Kind.BAD_ENTRY, "undecodable entry: read " + key + ": "
                    + e, new EntryCodec.UndecodableEntryException(e));
        }
    }

    private static void putFence(Map<String, String> fenceValues, String field, Object value) {
        if (value != null) {
            fenceValues.put(field, text(value));
        }
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
    }

    /** Drops this instance's near-cache copy only (no Redis call, other instances untouched). */
    private void evictLocal(Collection<String> keys) {
        if (near != null) {
            keys.forEach(near::invalidate);
        }
    }

    /**
     * Fill step 1: the purge sequence of {@code key}'s segment before the origin is asked (creating the segment's
     * data epoch when Redis has none, {@link RedisScripts#READ_SEQUENCE}). Only a sequence read this way, or with
     * the fill lock, can store a fill.
     */
    public long sequence(String key) {
        return sequence(segments.of(key));
    }

    /**
     * The purge sequence: standalone, fill step 1 for any key; on a cluster the highest of the segments' (for
     * display: a fill compares only within its segment, so it must use {@link #sequence(String)}; a fill with
     * another segment's sequence is refused as after a data loss).
     */
    public long sequence() {
        List<RFuture<Object>> reads = new ArrayList<>();
        for (KeyLayout segment : segments.all()) {
            reads.add(readSequence(segment));
        }
        long max = 0;
        for (RFuture<Object> read : reads) {
            Object value = await(read, "read sequence");
            max = Math.max(max, value == null ? 0 : Long.parseLong(value.toString()));
        }
        return max;
    }

    private long sequence(KeyLayout segment) {
        Object value = await(readSequence(segment), "read sequence");
        return value == null ? 0 : Long.parseLong(value.toString());
    }

    private RFuture<Object> readSequence(KeyLayout segment) {
        return script.evalAsync(segment.entries(), RScript.Mode.READ_WRITE, RedisScripts.READ_SEQUENCE,
                RScript.ReturnType.VALUE, List.of(segment.sequence(), segment.epoch()));
    }

    /**
     * Fill steps 3 and 4 in one round trip ({@link RedisScripts#FILL}): unless a purge newer than a variant's fill
     * sequence touched its tags or key, index the key under its tags, write the entry and invalidate the other
     * instances' near copies, atomically. A stored entry enters this instance's near cache (it passed its fence
     * check), unless an invalidation of its key arrived meanwhile. If Redis fails, this instance's copy is dropped.
     */
    public FillOutcome fill(String key, CacheEntry entry, long retainUntilMillis) {
        return fill(key, entry, retainUntilMillis, null);
    }

    /**
     * The fill lock a filler holds (from {@link #tryLockAndReadSequence}), for {@link #fill(String, CacheEntry,
     * long, FillLock)} to end in the same round trip; {@code markerTtl} as in {@link #unlock}.
     */
    public record FillLock(String token, Duration markerTtl) {
        public FillLock {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(markerTtl, "markerTtl");
        }
    }

    /**
     * {@link #fill(String, CacheEntry, long)} that also ends the fill lock {@code lock} (when not null) in the same
     * script, as {@link #unlock} with {@link FillEnd#STORED} or {@link FillEnd#FENCED} would: a stored miss then
     * costs one round trip less. When this throws, the lock may or may not have been released: call
     * {@link #unlock} (it only releases a lock its token still holds).
     */
    public FillOutcome fill(String key, CacheEntry entry, long retainUntilMillis, FillLock lock) {
        byte[] encoded;
        try {
            encoded = EntryCodec.toBytes(entry);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        KeyLayout layout = segments.of(key);
        List<Object> args = new ArrayList<>();
        args.add(key);
        args.add(Long.toString(retainUntilMillis));
        args.add(encoded);
        args.add(invalidations.topic());
        args.add(invalidations.message(List.of(key)));
        args.add(layout.tagSet(""));
        args.add(Integer.toString(entry.variants().size()));
        args.add(lock == null ? "" : lock.token());
        args.add(lock == null ? "1" : Long.toString(Math.max(1, lock.markerTtl().toMillis())));
        for (var variant : entry.variants()) {
            List<String> fields = fenceFields(key, variant.tags());
            args.add(Long.toString(variant.fillSequence()));
            args.add(Integer.toString(fields.size()));
            args.addAll(fields);
        }
        args.addAll(entry.tags());
        NearCache.Stamp stamp = near == null ? null : near.stamp(key);
        Long stored;
        try {
            stored = await(binaryScript.evalAsync(layout.entries(), RScript.Mode.READ_WRITE, RedisScripts.FILL,
                    RScript.ReturnType.LONG, List.of(layout.entries(), layout.fences(), layout.expiryIndex(),
                    layout.fillLock(key), layout.epoch(), layout.sequence(), layout.fillLockWaiters(key)),
                    args.toArray()), "fill " + key);
        } catch (RuntimeException e) {
            evictLocal(List.of(key));
            throw e;
        }
        if (stored != null && stored == 2) {
            log.debug("[Cache] FENCED {}: Redis lost data since the fill began (its fences may be gone), not storing"
                    + " it", key);
            return FillOutcome.DISCARDED_AFTER_DATA_LOSS;
        }
        if (stored == null || stored != 1) {
            log.debug("[Cache] FENCED {}: a purge ran while the origin was asked, not storing it", key);
            return FillOutcome.DISCARDED_BY_FENCE;
        }
        if (near != null) {
            near.putIfUnchanged(key, entry, stamp);
        }
        return FillOutcome.STORED;
    }

    /** The fences that apply to an entry: its tags', its key's, and the floor left by pruned fences. */
    private static List<String> fenceFields(String key, Set<String> tags) {
        List<String> fields = new ArrayList<>(tags);
        fields.add(KeyLayout.keyFenceField(key));
        fields.add(KeyLayout.PRUNED_FENCE_FLOOR_FIELD);
        return fields;
    }

    /**
     * Most values one purge-side script call takes (and unpacks). Redis 7.0's Lua unpacks at most 7,999 values
     * (measured: 8,000 fail with "too many results to unpack"), so a purge of any size is split into calls of
     * this many tags or keys.
     */
    static final int MAX_VALUES_PER_CALL = 1_000;
    /** Removes entries (every near cache is told), then unindexes keys that stayed absent. */
    public long remove(Collection<String> keys, Collection<String> tags) {
        Map<String, Collection<String>> keysByTag = new java.util.LinkedHashMap<>();
        new LinkedHashSet<>(tags).forEach(tag -> keysByTag.put(tag, keys));
        return remove(keys, keysByTag);
    }

    /**
     * Purge steps 3 and 4: removes entries (every near cache is told), in chunks, then takes the
     * keys that stayed absent out of the expiry index and out of the tag sets {@code keysByTag} lists them in.
     * On a cluster every segment's share runs at once; this returns when all are done.
     */
    public long remove(Collection<String> keys, Map<String, ? extends Collection<String>> keysByTag) {
        if (keys.isEmpty()) {
            return 0;
        }
        if (!segments.clustered()) {
            return removeAndCleanUpInOneTrip(keys, keysByTag);
        }
        List<Call<Object>> calls = new ArrayList<>();
        for (var share : bySegment(keys).entrySet()) {
            KeyLayout layout = share.getKey();
            for (List<String> chunk : chunks(share.getValue(), MAX_VALUES_PER_CALL)) {
                calls.add(new Call<>(binaryScript.evalAsync(layout.entries(), RScript.Mode.READ_WRITE,
                        RedisScripts.REMOVE_ENTRIES, RScript.ReturnType.LONG, List.of(layout.entries()),
                        removeArgs(chunk)), "remove entries", chunk));
            }
        }
        long removed = 0;
        try {
            for (Object count : awaitAll(calls)) {
                removed += ((Number) count).longValue();
            }
        } finally {
            // this store's own message is not applied to its own near cache (Redisson's rule): drop here,
            // after Redis removed them, so no read in flight puts an old copy back
            calls.forEach(call -> evictLocal(call.keys()));
        }
        cleanup(keys, keysByTag);
        return removed;
    }

    /**
     * Standalone Redis: steps 3 and 4 in one round trip, a pipeline of the removals and then the clean-ups. Redis runs
     * a connection's commands in order, so every clean-up runs after every removal, as when the clean-ups were sent
     * only once the removals were answered (each script stays atomic and bounded: other clients' commands may run
     * between two of them, as before). A clean-up only unindexes keys that have no entry, so one that runs after a
     * failed removal leaves the index as it should be; the failure fails the purge, which is retried whole.
     */
    private long removeAndCleanUpInOneTrip(Collection<String> keys,
                                           Map<String, ? extends Collection<String>> keysByTag) {
        KeyLayout layout = segments.base();
        RBatch batch = client.createBatch(pipeline());
        List<Call<Object>> removals = new ArrayList<>();
        for (List<String> chunk : chunks(keys, MAX_VALUES_PER_CALL)) {
            removals.add(new Call<>(batch.getScript(ScriptCodec.INSTANCE).evalAsync(layout.entries(),
                    RScript.Mode.READ_WRITE, RedisScripts.REMOVE_ENTRIES, RScript.ReturnType.LONG,
                    List.of(layout.entries()), removeArgs(chunk)), "remove entries", chunk));
        }
        List<Call<Object>> cleanups = new ArrayList<>();
        for (CleanupArgs call : cleanupCalls(keys, keysByTag)) {
            cleanups.add(new Call<>(batch.getScript(StringCodec.INSTANCE).evalAsync(layout.entries(),
                    RScript.Mode.READ_WRITE, RedisScripts.CLEANUP, RScript.ReturnType.LONG, call.keys(),
                    call.args().toArray()), "cleanup indexes", List.of()));
        }
        RFuture<BatchResult<?>> sent = batch.executeAsync();
        long removed = 0;
        try {
            for (Object count : awaitAll(removals)) {
                removed += ((Number) count).longValue();
            }
        } finally {
            // as in remove: this store's own message is not applied to its near cache, so drop them here
            removals.forEach(call -> evictLocal(call.keys()));
        }
        awaitAll(cleanups);
        await(sent, "remove entries and cleanup indexes");
        return removed;
    }

    /** REMOVE_ENTRIES' arguments for one chunk: the channel, the chunk's invalidation message, its keys. */
    private Object[] removeArgs(List<String> chunk) {
        List<Object> args = new ArrayList<>(chunk.size() + 2);
        args.add(invalidations.topic());
        args.add(invalidations.message(chunk));
        args.addAll(chunk);
        return args.toArray();
    }

    /** A batch (pipeline, not a transaction) whose calls are bounded like any other call of this store. */
    private BatchOptions pipeline() {
        return BatchOptions.defaults().responseTimeout(options.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Purge step 4 / sweep clean-up: see {@link RedisScripts#CLEANUP}. */
    public void cleanup(Collection<String> keys, Collection<String> tags) {
        Map<String, Collection<String>> keysByTag = new java.util.LinkedHashMap<>();
        new LinkedHashSet<>(tags).forEach(tag -> keysByTag.put(tag, keys));
        cleanup(keys, keysByTag);
    }

    /**
     * {@link RedisScripts#CLEANUP} in calls of at most {@link #MAX_VALUES_PER_CALL} keys and values: first the
     * expiry index, then the tag sets, each with only the keys it held (so the work is the memberships, not
     * keys x tags). Each key is cleaned up in its segment; the segments' calls run at once.
     */
    private void cleanup(Collection<String> keys, Map<String, ? extends Collection<String>> keysByTag) {
        List<Call<Object>> calls = new ArrayList<>();
        for (CleanupArgs call : cleanupCalls(keys, keysByTag)) {
            calls.add(new Call<>(script.evalAsync(call.layout().entries(), RScript.Mode.READ_WRITE,
                    RedisScripts.CLEANUP, RScript.ReturnType.LONG, call.keys(), call.args().toArray()),
                    "cleanup indexes", List.of()));
        }
        awaitAll(calls);
    }

    /** One {@link RedisScripts#CLEANUP} call: its segment, its KEYS and its ARGV. */
    private record CleanupArgs(KeyLayout layout, List<Object> keys, List<Object> args) {
    }

    /** The clean-up calls of {@link #cleanup(Collection, Map)}, bounded as it says. */
    private List<CleanupArgs> cleanupCalls(Collection<String> keys,
                                           Map<String, ? extends Collection<String>> keysByTag) {
        List<CleanupArgs> calls = new ArrayList<>();
        for (var share : bySegment(keys).entrySet()) {
            KeyLayout layout = share.getKey();
            for (List<String> chunk : chunks(share.getValue(), MAX_VALUES_PER_CALL)) {
                List<Object> args = new ArrayList<>(chunk.size() + 1);
                args.add(Integer.toString(chunk.size()));
                args.addAll(chunk);
                calls.add(new CleanupArgs(layout, List.of(layout.entries(), layout.expiryIndex()), args));
            }
        }
        Map<KeyLayout, Map<String, List<String>>> tagsBySegment = new java.util.LinkedHashMap<>();
        for (var tag : keysByTag.entrySet()) {
            for (String key : tag.getValue()) {
                tagsBySegment.computeIfAbsent(segments.of(key), s -> new java.util.LinkedHashMap<>())
                        .computeIfAbsent(tag.getKey(), t -> new ArrayList<>()).add(key);
            }
        }
        for (var share : tagsBySegment.entrySet()) {
            KeyLayout layout = share.getKey();
            List<Object> scriptKeys = new ArrayList<>(List.of(layout.entries(), layout.expiryIndex()));
            List<Object> args = new ArrayList<>(List.of("0"));
            for (var tag : share.getValue().entrySet()) {
                for (List<String> chunk : chunks(tag.getValue(), MAX_VALUES_PER_CALL)) {
                    if (scriptKeys.size() + args.size() + chunk.size() + 2 > MAX_VALUES_PER_CALL) {
                        calls.add(new CleanupArgs(layout, scriptKeys, args));
                        scriptKeys = new ArrayList<>(List.of(layout.entries(), layout.expiryIndex()));
                        args = new ArrayList<>(List.of("0"));
                    }
                    scriptKeys.add(layout.tagSet(tag.getKey()));
                    args.add(Integer.toString(chunk.size()));
                    args.addAll(chunk);
                }
            }
            if (scriptKeys.size() > 2) {
                calls.add(new CleanupArgs(layout, scriptKeys, args));
            }
        }
        return calls;
    }

    /** Keys grouped by their segment, in the order of the segments. */
    private Map<KeyLayout, List<String>> bySegment(Collection<String> keys) {
        Map<KeyLayout, List<String>> shares = new java.util.LinkedHashMap<>();
        for (String key : keys) {
            shares.computeIfAbsent(segments.of(key), s -> new ArrayList<>()).add(key);
        }
        return shares;
    }

    /** A Redis call in flight, what it is (for errors) and the keys whose near copies it concerns. */
    private record Call<T>(RFuture<T> future, String what, List<String> keys) {
    }

    /**
     * Waits for every call (they run at once, on every segment's primary); their results in order. Throws the
     * first failure, after every call ended or timed out, so no call is left running behind the caller's back.
     */
    private <T> List<T> awaitAll(List<Call<T>> calls) {
        List<T> results = new ArrayList<>(calls.size());
        RuntimeException failure = null;
        for (Call<T> call : calls) {
            try {
                results.add(await(call.future(), call.what()));
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    /**
     * Result of {@link #beginPurge}: the purge's sequence (on a cluster the highest of the segments') and, per
     * tag, the keys its sets held.
     */
    public record PurgeStart(long sequence, Map<String, List<String>> keysByTag) {
        public PurgeStart {
            keysByTag = Map.copyOf(keysByTag);
        }

        /** Every key one of the purged tags held. */
        public Set<String> taggedKeys() {
            Set<String> keys = new LinkedHashSet<>();
            keysByTag.values().forEach(keys::addAll);
            return keys;
        }
    }

    /**
     * Purge steps 1 and 2: raise the fences of the tags and keys to one new sequence, then read the tags'
     * members. Any size: fences go in chunks of {@link #MAX_VALUES_PER_CALL}, the first chunk taking the
     * sequence and the others reusing it, and no tag set is read before every fence is up (a fill that indexes
     * its key after a set was read then sees its fence). A failure part-way leaves some fences raised, which
     * only refuses fills that started before the purge; the caller retries the whole purge.
     *
     * <p>On a cluster, every segment does the same with its own sequence, all segments at once: a tag's fence
     * is raised in every segment (an entry with the tag may be in any), a key's only in its own. A fill compares
     * only with its own segment's sequence and fences, so the segments need no common order; each segment's
     * sets are read only after every fence of the purge is up (all of step 1 ends before step 2 starts).
     */
    public PurgeStart beginPurge(Collection<String> tags, Collection<String> keys) {
        Map<KeyLayout, List<String>> keysBySegment = bySegment(keys);
        List<KeyLayout> all = segments.all();
        List<List<List<String>>> fieldChunks = new ArrayList<>(all.size());
        int rounds = 0;
        for (KeyLayout layout : all) {
            List<String> fields = new ArrayList<>(tags);
            keysBySegment.getOrDefault(layout, List.of()).forEach(k -> fields.add(KeyLayout.keyFenceField(k)));
            // a segment without a field still takes a sequence: one purge, one sequence step everywhere
            List<List<String>> chunks = chunks(fields, MAX_VALUES_PER_CALL, true);
            fieldChunks.add(chunks);
            rounds = Math.max(rounds, chunks.size());
        }
        if (!segments.clustered() && rounds == 1 && tags.size() <= MAX_VALUES_PER_CALL) {
            return beginPurgeInOneTrip(all.get(0), fieldChunks.get(0).get(0), tags);
        }
        String[] sequences = new String[all.size()];
        java.util.Arrays.fill(sequences, "");
        for (int round = 0; round < rounds; round++) {
            List<Call<Object>> calls = new ArrayList<>();
            List<Integer> callers = new ArrayList<>();
            for (int s = 0; s < all.size(); s++) {
                if (round >= fieldChunks.get(s).size()) {
                    continue;
                }
                KeyLayout layout = all.get(s);
                List<String> chunk = fieldChunks.get(s).get(round);
                List<Object> args = new ArrayList<>(chunk.size() + 1);
                args.add(sequences[s]);
                args.addAll(chunk);
                calls.add(new Call<>(script.evalAsync(layout.entries(), RScript.Mode.READ_WRITE,
                        RedisScripts.PURGE_BEGIN, RScript.ReturnType.VALUE,
                        List.of(layout.sequence(), layout.fences()), args.toArray()), "purge: raise fences",
                        List.of()));
                callers.add(s);
            }
            List<Object> taken = awaitAll(calls);
            for (int i = 0; i < taken.size(); i++) {
                sequences[callers.get(i)] = taken.get(i).toString();
            }
        }
        List<Call<List<Object>>> reads = new ArrayList<>();
        List<List<String>> readTags = new ArrayList<>();
        for (KeyLayout layout : all) {
            for (List<String> chunk : chunks(tags, MAX_VALUES_PER_CALL)) {
                List<Object> tagSets = new ArrayList<>(chunk.size());
                chunk.forEach(t -> tagSets.add(layout.tagSet(t)));
                // READ_WRITE: on the primary, which holds every member a fill indexed before its fence was raised
                reads.add(new Call<>(script.evalAsync(layout.entries(), RScript.Mode.READ_WRITE,
                        RedisScripts.TAG_MEMBERS, RScript.ReturnType.LIST, tagSets), "purge: read tag sets",
                        List.of()));
                readTags.add(chunk);
            }
        }
        List<List<Object>> found = awaitAll(reads);
        Map<String, List<String>> keysByTag = new java.util.LinkedHashMap<>();
        for (int r = 0; r < found.size(); r++) {
            addMembers(keysByTag, readTags.get(r), found.get(r));
        }
        long sequence = 0;
        for (String value : sequences) {
            sequence = Math.max(sequence, Long.parseLong(value));
        }
        return new PurgeStart(sequence, keysByTag);
    }

    /**
     * Standalone Redis, a purge whose fences fit one call: steps 1 and 2 in one round trip, a pipeline of
     * {@link RedisScripts#PURGE_BEGIN} and then {@link RedisScripts#TAG_MEMBERS}. Redis runs a connection's commands
     * in order, so the sets are read after every fence is up, as when the read was sent only once the fences were
     * answered. If raising the fences failed, the purge fails (and is retried whole) whatever the read found.
     */
    private PurgeStart beginPurgeInOneTrip(KeyLayout layout, List<String> fields, Collection<String> tags) {
        RBatch batch = client.createBatch(pipeline());
        List<Object> args = new ArrayList<>(fields.size() + 1);
        args.add("");
        args.addAll(fields);
        RFuture<Object> fences = batch.getScript(StringCodec.INSTANCE).evalAsync(layout.entries(),
                RScript.Mode.READ_WRITE, RedisScripts.PURGE_BEGIN, RScript.ReturnType.VALUE,
                List.of(layout.sequence(), layout.fences()), args.toArray());
        List<String> readTags = new ArrayList<>(tags);
        RFuture<List<Object>> read = null;
        if (!readTags.isEmpty()) {
            List<Object> tagSets = new ArrayList<>(readTags.size());
            readTags.forEach(t -> tagSets.add(layout.tagSet(t)));
            read = batch.getScript(StringCodec.INSTANCE).evalAsync(layout.entries(), RScript.Mode.READ_WRITE,
                    RedisScripts.TAG_MEMBERS, RScript.ReturnType.LIST, tagSets);
        }
        RFuture<BatchResult<?>> sent = batch.executeAsync();
        long sequence = Long.parseLong(await(fences, "purge: raise fences").toString());
        Map<String, List<String>> keysByTag = new java.util.LinkedHashMap<>();
        if (read != null) {
            addMembers(keysByTag, readTags, await(read, "purge: read tag sets"));
        }
        await(sent, "purge: raise fences and read tag sets");
        return new PurgeStart(sequence, keysByTag);
    }

    /** Adds what one {@link RedisScripts#TAG_MEMBERS} call answered for {@code tags}, per tag. */
    private static void addMembers(Map<String, List<String>> keysByTag, List<String> tags, List<Object> members) {
        int at = 0;
        for (String tag : tags) {
            int count = Integer.parseInt(members.get(at).toString());
            for (int i = at + 1; i <= at + count; i++) {
                keysByTag.computeIfAbsent(tag, t -> new ArrayList<>()).add(members.get(i).toString());
            }
            at += count + 1;
        }
    }

    /**
     * See {@link RedisScripts#RECORD_APPLIED}: raises the applied offset of {@code source} to {@code offset} unless
     * Redis holds less than {@code expectedAtLeast} (data lost); returns what it held before (-1 when nothing).
     * With {@code replicas > 0}, then waits (WAIT) until that many replicas acknowledged the record, and with it
     * every write before it (replication is a prefix), for at most {@code replicaTimeout}; fewer is a
     * {@link CacheUnavailableException}.
     *
     * <p>On a cluster each segment records it (a purge's writes to a segment and the record are then on one
     * primary, and replicated in that order) and this returns the lowest: one segment that lost data is enough
     * to re-apply.
     */
    public long recordApplied(String source, long offset, long expectedAtLeast, int replicas, Duration replicaTimeout) {
        Object[] args = {source, Long.toString(offset), Long.toString(expectedAtLeast)};
        long lowest = Long.MAX_VALUE;
        if (replicas <= 0) {
            List<Call<Object>> calls = new ArrayList<>();
            for (KeyLayout layout : segments.all()) {
                calls.add(new Call<>(script.evalAsync(layout.entries(), RScript.Mode.READ_WRITE,
                        RedisScripts.RECORD_APPLIED, RScript.ReturnType.LONG, List.of(layout.appliedOffsets()), args),
                        "record applied offset", List.of()));
            }
            for (Object previous : awaitAll(calls)) {
                lowest = Math.min(lowest, ((Number) previous).longValue());
            }
            return lowest;
        }
        List<RFuture<Object>> previous = new ArrayList<>();
        List<Call<BatchResult<?>>> batches = new ArrayList<>();
        for (KeyLayout layout : segments.all()) {
            RBatch batch = client.createBatch(BatchOptions.defaults().sync(replicas, replicaTimeout));
            previous.add(batch.getScript(StringCodec.INSTANCE).evalAsync(layout.entries(), RScript.Mode.READ_WRITE,
                    RedisScripts.RECORD_APPLIED, RScript.ReturnType.LONG, List.of(layout.appliedOffsets()), args));
            batches.add(new Call<>(batch.executeAsync(), "record applied offset and wait for replicas", List.of()));
        }
        for (BatchResult<?> result : awaitAll(batches)) {
            if (result.getSyncedSlaves() < replicas) {
                throw new CacheUnavailableException("only " + result.getSyncedSlaves() + " of " + replicas
                        + " replicas acknowledged within " + replicaTimeout.toMillis() + " ms", null);
            }
        }
        for (RFuture<Object> value : previous) {
            lowest = Math.min(lowest, ((Number) value.toCompletableFuture().join()).longValue());
        }
        return lowest;
    }

    /**
     * The applied offsets recorded, by source; on a cluster the lowest over the segments, and a source some
     * segment lacks is left out (that segment lost it: as if Redis lost it).
     */
    public Map<String, Long> appliedOffsets() {
        List<Call<Map<String, String>>> reads = new ArrayList<>();
        for (KeyLayout layout : segments.all()) {
            reads.add(new Call<>(client.<String, String>getMap(layout.appliedOffsets(), StringCodec.INSTANCE)
                    .readAllMapAsync(), "read applied offsets", List.of()));
        }
        Map<String, Long> offsets = null;
        for (Map<String, String> held : awaitAll(reads)) {
            Map<String, Long> segment = new java.util.HashMap<>();
            held.forEach((source, offset) -> segment.put(source, Long.parseLong(offset)));
            if (offsets == null) {
                offsets = segment;
            } else {
                offsets.keySet().retainAll(segment.keySet());
                offsets.replaceAll((source, offset) -> Math.min(offset, segment.get(source)));
            }
        }
        return offsets == null ? Map.of() : offsets;
    }

    private static List<List<String>> chunks(Collection<String> values, int size) {
        return chunks(values, size, false);
    }

    /** {@code values} in lists of at most {@code size}; one empty list for no values when {@code atLeastOne}. */
    private static List<List<String>> chunks(Collection<String> values, int size, boolean atLeastOne) {
        List<List<String>> chunks = new ArrayList<>();
        List<String> current = new ArrayList<>(Math.min(size, values.size()));
        for (String value : values) {
            if (current.size() == size) {
                chunks.add(current);
                current = new ArrayList<>(size);
            }
            current.add(value);
        }
        if (!current.isEmpty() || (atLeastOne && chunks.isEmpty())) {
            chunks.add(current);
        }
        return chunks;
    }

    /**
     * Removes up to {@code limit} entries whose retention ended by {@code nowMillis} (near caches drop them
     * too), and unindexes them. Returns how many entries were removed.
     */
    public int sweepExpired(long nowMillis, int limit) {
        int removed = 0;
        for (KeyLayout segment : segments.all()) {
            if (removed >= limit) {
                break;
            }
            removed += sweepExpired(segment, nowMillis, limit - removed);
        }
        return removed;
    }

    private int sweepExpired(KeyLayout segment, long nowMillis, int limit) {
        Collection<String> due = await(expiry(segment).valueRangeAsync(Double.NEGATIVE_INFINITY, true, nowMillis, true, 0,
                limit), "read expiry index");
        if (due.isEmpty()) {
            return 0;
        }
        Map<String, CacheEntry> current;
        try {
            // read past the near cache: these entries are not checked, so they must not enter it
            current = await(raw(segment).getAllAsync(new HashSet<>(due)), "read expired entries");
        } catch (CacheFaultException e) {
            if (e.kind() != CacheFaultException.Kind.BAD_ENTRY) {
                throw e;
            }
            // one undecodable entry must not stop expiry: remove the batch; their tag sets keep the keys until
            // those tags are purged (a member without an entry is never served)
            current = Map.of();
        }
        Set<String> tags = new HashSet<>();
        current.values().stream().filter(Objects::nonNull).forEach(e -> tags.addAll(e.tags()));
        long removed = remove(due, tags);
        if (removed > 0) {
            log.debug("[Cache] EXPIRED {} entries removed", removed);
        }
        return (int) removed;
    }

    /**
     * Drops the fences older than {@link Options#fenceHorizon()} (by Redis TIME, the clock of the sequence),
     * {@code batchSize} fields per script call so a large hash never blocks Redis; returns how many it dropped.
     *
     * <p>Why it is safe: each call raises the floor field to the highest value it dropped, atomically, and every
     * fill and read checks the floor like a fence on every tag and key. So whatever a dropped fence would have
     * refused (a variant whose fill sequence is below it) is still refused. Why it costs nothing: a variant below
     * the floor was filled before a purge older than the horizon, i.e. more than {@code 2 x maxEntryLifetime}
     * ago, so it is past the lifetime cap and would not be served anyway; a fill that read its sequence before
     * such a purge would have had to wait for its origin longer than the horizon.
     */
    public int pruneFences(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, was " + batchSize);
        }
        long horizonMicros = options.fenceHorizon().toNanos() / 1000;
        int removed = 0;
        for (KeyLayout layout : segments.all()) {
            removed += pruneFences(layout, horizonMicros, batchSize);
        }
        if (removed > 0) {
            log.debug("[Cache] PRUNED {} fences older than {}", removed, options.fenceHorizon());
        }
        return removed;
    }

    private int pruneFences(KeyLayout layout, long horizonMicros, int batchSize) {
        String cursor = "0";
        int removed = 0;
        do {
            List<Object> step = await(script.evalAsync(layout.entries(), RScript.Mode.READ_WRITE,
                    RedisScripts.PRUNE_FENCES, RScript.ReturnType.LIST, List.of(layout.fences()), cursor,
                    Long.toString(horizonMicros), Integer.toString(batchSize), KeyLayout.PRUNED_FENCE_FLOOR_FIELD),
                    "prune fences");
            cursor = step.get(0).toString();
            removed += Integer.parseInt(step.get(1).toString());
        } while (!cursor.equals("0"));
        return removed;
    }

    /**
     * The floor left by pruned fences (0 when none was pruned): fills and entries below it are refused. On a
     * cluster the highest of the segments' floors.
     */
    public long prunedFenceFloor() {
        long floor = 0;
        for (KeyLayout segment : segments.all()) {
            floor = Math.max(floor, prunedFenceFloor(segment));
        }
        return floor;
    }

    private long prunedFenceFloor(KeyLayout segment) {
        return parse(await(fences(segment).getAsync(KeyLayout.PRUNED_FENCE_FLOOR_FIELD), "read fences"));
    }

    /**
     * How many tags and keys have a fence now (the floor field not counted); on a cluster summed over the
     * segments (a tag purged once has a fence in each).
     */
    public long fenceCount() {
        long count = 0;
        for (KeyLayout segment : segments.all()) {
            long size = await(fences(segment).sizeAsync(), "read fences");
            count += prunedFenceFloor(segment) > 0 ? size - 1 : size;
        }
        return count;
    }

    public Options options() {
        return options;
    }

    /**
     * The cross-instance fill lock of a key, a lease: true when this caller now holds it. It is free when
     * nobody holds it or the last fill ended ({@link #fillLockState}).
     */
    public boolean tryLock(String key, String token, Duration lease) {
        return tryLockAndReadSequence(key, token, lease) >= 0;
    }

    /**
     * {@link #tryLock} and, when it is taken, fill step 1 (the purge sequence) in the same round trip: the
     * sequence, or -1 when the lock is held by another filler.
     */
    public long tryLockAndReadSequence(String key, String token, Duration lease) {
        KeyLayout layout = segments.of(key);
        List<Object> result = await(script.evalAsync(layout.entries(), RScript.Mode.READ_WRITE,
                RedisScripts.LOCK_ACQUIRE, RScript.ReturnType.LIST, List.of(layout.fillLock(key), layout.sequence(),
                layout.epoch(), layout.fillLockWaiters(key)),
                token, Long.toString(lease.toMillis())), "lock " + key);
        if (Long.parseLong(result.get(0).toString()) != 1) {
            return -1;
        }
        return result.size() < 2 || result.get(1) == null ? 0 : Long.parseLong(result.get(1).toString());
    }

    /** Extends the lease while the filler still waits for the origin; false when it no longer holds the lock. */
    public boolean renewLock(String key, String token, Duration lease) {
        KeyLayout layout = segments.of(key);
        Long renewed = await(script.evalAsync(layout.entries(), RScript.Mode.READ_WRITE, RedisScripts.LOCK_RENEW,
                RScript.ReturnType.LONG, List.of(layout.fillLock(key)), token, Long.toString(lease.toMillis())),
                "renew lock " + key);
        return renewed != null && renewed == 1;
    }

    /** Releases the lock, leaving {@code outcome} for the waiters to see for {@code markerTtl}. */
    public void unlock(String key, String token, FillEnd outcome, Duration markerTtl) {
        KeyLayout layout = segments.of(key);
        await(binaryScript.evalAsync(layout.entries(), RScript.Mode.READ_WRITE, RedisScripts.LOCK_RELEASE,
                RScript.ReturnType.LONG, List.of(layout.fillLock(key), layout.fillLockWaiters(key)), token,
                outcome.marker(), Long.toString(Math.max(1, markerTtl.toMillis())), invalidations.topic(),
                invalidations.message(List.of(key))), "unlock " + key);
    }

    /** How a fill ended, as waiters on other instances see it. */
    public enum FillEnd {
        /** An entry was stored: read it. */
        STORED,
        /** A purge raced the fill and its entry was refused: the next fill will store the new content. */
        FENCED,
        /** The response may not be stored (private, no-store, too big, an error status...): ask the origin. */
        UNCACHEABLE,
        /** The origin failed, or the filler could not store: ask the origin. */
        FAILED;

        String marker() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What a waiter sees of a key's fill lock. */
    public sealed interface FillLockState {
        /** Someone holds the lock: the fill is in progress. */
        record Held() implements FillLockState {
        }

        /** No lock: never taken, or its holder crashed and the lease lapsed. */
        record Free() implements FillLockState {
        }

        /** The last fill ended like this (a short-lived marker). */
        record Ended(FillEnd how) implements FillLockState {
        }
    }

    /**
     * A wait for the end of another instance's fill of {@code key}: {@link FillEndWatch#await} returns early when
     * that fill's end is published (the filler does so when {@link #tryLock} found it held, docs/protocol.md "Fill
     * lock"). Open it before the take of the lock (or a read of its state) that found it held, so an end
     * published after that is not missed.
     * Without a near cache there is no subscription: it only sleeps, and the waiter polls as before.
     */
    public FillEndWatch watchFillEnd(String key) {
        return near == null ? new FillEndWatch(null, null) : near.fillEndWatch(key);
    }

    /** See {@link #watchFillEnd}; close it when the wait is over. One thread uses it. */
    public static final class FillEndWatch implements AutoCloseable {
        /** Registers a wake-up for the key's next invalidation; null without a near cache. */
        private final Supplier<CompletableFuture<Void>> register;
        private final Consumer<CompletableFuture<Void>> unregister;
        private CompletableFuture<Void> next;

        FillEndWatch(Supplier<CompletableFuture<Void>> register,
                     Consumer<CompletableFuture<Void>> unregister) {
            this.register = register;
            this.unregister = unregister;
            this.next = register == null ? null : register.get();
        }

        /** Whether an end can wake it (a near cache's subscription); without one every wait lasts its time. */
        public boolean subscribed() {
            return register != null;
        }

        /**
         * Waits at most {@code nanos}; true when an invalidation of the key (or a clear) arrived meanwhile. It is
         * then registered again before this returns, so the caller's next read of the lock misses nothing.
         */
        public boolean await(long nanos) {
            if (next == null) {
                java.util.concurrent.locks.LockSupport.parkNanos(nanos); // no subscription: a poll interval
                return false;
            }
            try {
                next.get(nanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                // completed all the same
            }
            next = register.get();
            return true;
        }

        @Override
        public void close() {
            if (next != null) {
                unregister.accept(next);
                next = null;
            }
        }
    }

    public FillLockState fillLockState(String key) {
        String value = await(client.<String>getBucket(segments.of(key).fillLock(key), StringCodec.INSTANCE).getAsync(),
                "read lock " + key);
        if (value == null) {
            return new FillLockState.Free();
        }
        if (!value.startsWith("ended:")) {
            return new FillLockState.Held();
        }
        for (FillEnd end : FillEnd.values()) {
            if (value.equals("ended:" + end.marker())) {
                return new FillLockState.Ended(end);
            }
        }
        return new FillLockState.Ended(FillEnd.FAILED);
    }

    /** Reads straight from Redis without touching the near cache (for the cache manager). */
    public CacheEntry readRaw(String key) {
        return await(raw(segments.of(key)).getAsync(key), "read " + key);
    }

    /** The fences of these fields; on a cluster, of each the highest over the segments. */
    public Map<String, String> fences(Collection<String> fields) {
        Map<String, String> highest = new java.util.HashMap<>();
        for (KeyLayout segment : segments.all()) {
            await(fences(segment).getAllAsync(new LinkedHashSet<>(fields)), "read fences").forEach((field, value) ->
                    highest.merge(field, value, (a, b) -> parse(a) >= parse(b) ? a : b));
        }
        return highest;
    }

    public Double expiryScore(String key) {
        return await(expiry(segments.of(key)).getScoreAsync(key), "read expiry");
    }

    private static long maxFence(Map<String, String> fenceValues, Set<String> tags, String key) {
        long max = Math.max(parse(fenceValues.get(KeyLayout.keyFenceField(key))),
                parse(fenceValues.get(KeyLayout.PRUNED_FENCE_FLOOR_FIELD)));
        for (String tag : tags) {
            max = Math.max(max, parse(fenceValues.get(tag)));
        }
        return max;
    }

    private static long parse(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    /**
     * Only a connection failure or a timeout means Redis is unavailable (to every request of this instance);
     * anything else Redis or the codec reports is a fault of this one operation.
     */
    static RuntimeException classify(String what, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof EntryCodec.UndecodableEntryException) {
                return new CacheFaultException(CacheFaultException.Kind.BAD_ENTRY, "undecodable entry: " + what
                        + ": " + t.getMessage(), cause);
            }
        }
        if (isUnavailability(cause)) {
            return new CacheUnavailableException("Redis failed: " + what + ": " + cause, cause);
        }
        return new CacheFaultException(CacheFaultException.Kind.REFUSED, "Redis refused: " + what + ": " + cause,
                cause);
    }

    private static boolean isUnavailability(Throwable cause) {
        return cause instanceof org.redisson.client.RedisConnectionException
                || cause instanceof org.redisson.client.RedisTimeoutException
                || cause instanceof org.redisson.client.RedisNodeNotFoundException
                || cause instanceof org.redisson.client.RedisRetryException       // loading, busy, master down
                || cause instanceof org.redisson.client.RedisReconnectedException
                || cause instanceof org.redisson.client.RedisReadonlyException    // a failover in progress
                || cause instanceof org.redisson.client.RedisOutOfMemoryException
                || cause instanceof org.redisson.client.RedisAuthRequiredException
                || cause instanceof org.redisson.client.RedisWrongPasswordException
                || cause instanceof java.io.IOException                             // the channel itself
                || cause instanceof io.netty.channel.ChannelException
                || cause instanceof java.util.concurrent.CancellationException
                || cause instanceof org.redisson.RedissonShutdownException;
    }

    private <T> T await(RFuture<T> future, String what) {
        if (Thread.currentThread().isInterrupted()) {
            // an interrupted caller's call fails whether or not its answer is already here (a fast reply
            // would otherwise hide the interrupt from CompletableFuture.get)
            future.cancel(false);
            throw new CacheFaultException(CacheFaultException.Kind.INTERRUPTED, "interrupted: " + what, null);
        }
        try {
            return future.toCompletableFuture().get(options.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new CacheFaultException(CacheFaultException.Kind.INTERRUPTED, "interrupted: " + what, e);
        } catch (ExecutionException e) {
            throw classify(what, e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new CacheUnavailableException("Redis timed out after " + options.operationTimeout().toMillis()
                    + " ms: " + what, e);
        }
    }
}
