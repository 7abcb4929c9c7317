package dev.cachesync.cache.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.BaseStatusListener;
import org.redisson.cache.LocalCachedMapClear;
import org.redisson.cache.LocalCachedMapDisable;
import org.redisson.cache.LocalCachedMapInvalidate;
import org.redisson.cache.LocalCachedMapUpdate;
import org.redisson.cache.LocalCachedMessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's near cache: entry key -> an entry that passed the read check (fences and tag-set membership)
 * or was just stored by a fill that passed its fence check. Nothing else ever enters it.
 *
 * <p>It listens to Redisson's local-cache invalidation topic of the entries hash ({@link Invalidations}), so
 * every writer that speaks that format invalidates it: other cachesync instances, the invalidator, and an
 * older release's {@code RLocalCachedMap}. Those messages name keys by hash only; {@link #byHash} maps a hash
 * back to its key. Every change of a key's entry and of its index mapping happens inside the index's
 * {@code compute} for that hash, so an entry is never held without its mapping (two puts of one key, an
 * invalidation and a put, cannot interleave).
 *
 * <p>Why a read can never put back what a purge removed: a reader takes a {@link #stamp} before it sends its
 * read; every invalidation received (or made by this instance) bumps the stamp's stripe, every resubscription
 * bumps the epoch. {@link #putIfUnchanged} inserts, then re-reads the stamp and takes its insert back if the stamp
 * moved. A purge that removed the entry after Redis ran the read published its message after the read, so it
 * arrives after the stamp was taken: either the re-read sees its bump, or the bump comes after the insert and
 * the handler (bump, then look up, then remove, all linearizable) finds and removes the inserted entry.
 */
final class NearCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NearCache.class);
    private static final int STRIPES = 1024;

    /** One cached entry (a holder per put, so a put can take back exactly what it inserted). */
    private record Held(CacheEntry entry) {
    }

    private final Invalidations invalidations;
    private final Cache<String, Held> entries;
    /**
     * Hash -> key, for every key held (and some no longer held: a mapping outlives an evicted entry until an
     * invalidation or {@link #pruneIndex} drops it, which is harmless; a missing one would not be).
     */
    private final ConcurrentHashMap<Invalidations.KeyHash, String> byHash = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final java.util.concurrent.atomic.AtomicBoolean pruning = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final AtomicLong epoch = new AtomicLong();
    /** Subscription events seen (each cleared the cache first): a count above the last one seen proves a resubscription. */
    private final AtomicLong subscriptions = new AtomicLong();
    private final RTopic topic;
    private final int messageListener;
    private final int statusListener;

    NearCache(RedissonClient client, Invalidations invalidations, int maxEntries) {
        this.invalidations = invalidations;
        this.maxEntries = maxEntries;
        this.entries = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
        this.topic = client.getTopic(invalidations.topic(), LocalCachedMessageCodec.INSTANCE);
        // subscribed when addListener returns; a resubscription (after a lost connection, whose messages are
        // gone) clears everything, like Redisson's ReconnectionStrategy.CLEAR
        this.statusListener = topic.addListener(new BaseStatusListener() {
            @Override
            public void onSubscribe(String channel) {
                clear();
                subscriptions.incrementAndGet();
            }
        });
        this.messageListener = topic.addListener(Object.class, (channel, message) -> onMessage(message));
    }

    /** The checked entry held for {@code key}, or null. */
    CacheEntry get(String key) {
        Held held = entries.getIfPresent(key);
        return held == null ? null : held.entry();
    }

    /** Taken before a read or fill is sent; {@link #putIfUnchanged} inserts only if no invalidation came since. */
    Stamp stamp(String key) {
        Invalidations.KeyHash hash = Invalidations.hash(key);
        int stripe = stripe(hash);
        return new Stamp(hash, stripe, stripes.get(stripe) + epoch.get());
    }

    record Stamp(Invalidations.KeyHash hash, int stripe, long value) {
    }

    /**
     * Holds {@code entry} unless an invalidation of its stripe (or a clear) arrived after {@code stamp}; false
     * when it did not hold it for that reason.
     */
    boolean putIfUnchanged(String key, CacheEntry entry, Stamp stamp) {
        if (current(stamp) != stamp.value()) {
            return false;
        }
        Held held = new Held(entry);
        byHash.compute(stamp.hash(), (hash, known) -> {
            entries.put(key, held);
            return key;
        });
        boolean moved = current(stamp) != stamp.value();
        if (moved) {
            byHash.compute(stamp.hash(), (hash, known) -> {
                entries.asMap().remove(key, held);
                return known;
            });
        }
        if (byHash.size() > 2L * maxEntries + 64) {
            pruneIndex();
        }
        return !moved;
    }

    /** Drops the mappings of keys no longer held (evicted by size); one pruner at a time. */
    private void pruneIndex() {
        if (!pruning.compareAndSet(false, true)) {
            return;
        }
        try {
            for (Invalidations.KeyHash hash : byHash.keySet()) {
                byHash.computeIfPresent(hash, (h, key) -> entries.asMap().containsKey(key) ? key : null);
            }
        } finally {
            pruning.set(false);
        }
    }

    /** A removal or write by this instance: drop the copy and make reads in flight not put theirs. */
    void invalidate(String key) {
        invalidate(Invalidations.hash(key));
    }

    private void invalidate(Invalidations.KeyHash hash) {
        stripes.incrementAndGet(stripe(hash));
        byHash.computeIfPresent(hash, (h, key) -> {
            entries.invalidate(key);
            return null;
        });
    }

    void clear() {
        epoch.incrementAndGet();
        entries.invalidateAll();
        pruneIndex();
    }

    long size() {
        return entries.estimatedSize();
    }

    long subscriptions() {
        return subscriptions.get();
    }

    /** Runs pending eviction now (Caffeine evicts in its maintenance, which may lag a put). */
    void cleanUp() {
        entries.cleanUp();
    }

    private void onMessage(Object message) {
        try {
            if (message instanceof LocalCachedMapInvalidate m) {
                if (!invalidations.isMine(m.getExcludedId())) {
                    for (byte[] hash : m.getKeyHashes()) {
                        invalidate(new Invalidations.KeyHash(hash));
                    }
                }
            } else if (message instanceof LocalCachedMapClear m) {
                if (!invalidations.isMine(m.getExcludedId())) {
                    clear();
                }
            } else if (message instanceof LocalCachedMapDisable m) {
                // a Redisson transaction is about to change these keys
                for (byte[] hash : m.getKeyHashes()) {
                    invalidate(new Invalidations.KeyHash(hash));
                }
            } else if (message instanceof LocalCachedMapUpdate m) {
                if (!invalidations.isMine(m.getExcludedId())) {
                    for (LocalCachedMapUpdate.Entry e : m.getEntries()) {
                        invalidate(Invalidations.hash(e.getKey()));
                    }
                }
            }
        } catch (RuntimeException e) {
            // a message we cannot read may have named anything: drop everything rather than serve stale
            log.warn("[Cache] unreadable near-cache invalidation, clearing the near cache: {}", e.toString());
            clear();
        }
    }

    private long current(Stamp stamp) {
        return stripes.get(stamp.stripe()) + epoch.get();
    }

    private static int stripe(Invalidations.KeyHash hash) {
        byte[] h = hash.bytes();
        return ((h[0] & 0xff) | (h[1] & 0xff) << 8) & (STRIPES - 1);
    }

    @Override
    public void close() {
        topic.removeListener(messageListener, statusListener);
        clear();
    }
}
