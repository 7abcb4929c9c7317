package dev.cachesync.cache.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>It serves and takes entries only while it holds its {@link NearCacheLease} (one volatile read): a probe it
 * published on the invalidation topic came back less than the lease ago (measured from the probe's send). Probes are
 * {@code LocalCachedMapInvalidate} messages with no key hashes, so every listener (an {@code RLocalCachedMap},
 * another cachesync instance) removes nothing; their excluded id is this near cache's prober id and the send
 * time, which is how it recognises its own. A probe returning after the lease ran out clears the near cache first.
 */
final class NearCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NearCache.class);
    private static final int STRIPES = 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Probes of every near cache in the process: each tick only publishes asynchronously, so one thread does. */
    private static final ScheduledExecutorService PROBES = probeScheduler();

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
    /**
     * Fill-lock waiters of this instance, by key hash: completed by the key's next invalidation (a filler publishes
     * one when its lock was waited for) or by a clear, and removed then.
     */
    private final ConcurrentHashMap<Invalidations.KeyHash, List<CompletableFuture<Void>>>
            fillWaiters = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final java.util.concurrent.atomic.AtomicBoolean pruning = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final AtomicLong epoch = new AtomicLong();
    /** Subscription events seen (each cleared the cache first): a count above the last one seen proves a resubscription. */
    private final AtomicLong subscriptions = new AtomicLong();
    private final RTopic topic;
    private final int messageListener;
    private final int statusListener;
    private final NearCacheLease lease;
    /** The first 8 bytes of this near cache's probes' excluded id (the other 8: the send time). */
    private final long proberId = RANDOM.nextLong();
    /** Whole-cache clears: subscriptions (re)established, clear broadcasts, lease regained. */
    private final AtomicLong clears = new AtomicLong();
    /** Counted down by every probe that returns (the constructor waits for the first). */
    private final CountDownLatch firstProbe = new CountDownLatch(1);
    private final AtomicLong probesReturned = new AtomicLong();
    private final long probeIntervalNanos;
    private final ScheduledFuture<?> prober;

    NearCache(RedissonClient client, Invalidations invalidations, int maxEntries, Duration leaseDuration) {
        this.invalidations = invalidations;
        this.maxEntries = maxEntries;
        this.entries = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
        this.lease = new NearCacheLease(leaseDuration, System::nanoTime);
        this.topic = client.getTopic(invalidations.topic(), LocalCachedMessageCodec.INSTANCE);
        // subscribed when addListener returns; a resubscription (after a lost connection, whose messages are
        // gone) clears everything, like Redisson's ReconnectionStrategy.CLEAR
        this.statusListener = topic.addListener(new BaseStatusListener() {
            @Override
            public void onSubscribe(String channel) {
                if (subscriptions.get() > 0) {
                    clear();
                } else {
                    dropAll(); // the first subscription: nothing to count
                }
                subscriptions.incrementAndGet();
                probe(); // renew the lease now rather than at the next tick
            }
        });
        this.messageListener = topic.addListener(Object.class, (channel, message) -> onMessage(message));
        this.probeIntervalNanos = NearCacheLease.probeInterval(leaseDuration).toNanos();
        this.prober = PROBES.scheduleAtFixedRate(this::tick, probeIntervalNanos, probeIntervalNanos,
                TimeUnit.NANOSECONDS);
        awaitFirstLease(leaseDuration);
    }

    /**
     * Probes once and waits (at most one lease) for it to return, so a new store serves from its near cache at
     * once; when Redis refuses the probe, it does not wait: the lease comes with a later probe.
     */
    private void awaitFirstLease(Duration leaseDuration) {
        try {
            var published = probe();
            if (published != null) {
                published.toCompletableFuture().get(leaseDuration.toNanos(), TimeUnit.NANOSECONDS);
                firstProbe.await(leaseDuration.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("[Cache] first near-cache lease probe failed: {}", e.toString());
        }
    }

    /** The checked entry held for {@code key}, or null (always null while the lease is not held). */
    CacheEntry get(String key) {
        if (!lease.held()) {
            return null;
        }
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
     * when it did not hold it for that reason. While the lease is not held it holds nothing and returns true
     * (reading again would not help).
     */
    boolean putIfUnchanged(String key, CacheEntry entry, Stamp stamp) {
        if (current(stamp) != stamp.value()) {
            return false;
        }
        if (!lease.held()) {
            return true;
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
        wakeFillWaiters(fillWaiters.remove(hash));
    }

    /** A wait for the next invalidation of {@code key} (see {@link CacheStore#watchFillEnd}). */
    CacheStore.FillEndWatch fillEndWatch(String key) {
        Invalidations.KeyHash hash = Invalidations.hash(key);
        return new CacheStore.FillEndWatch(() -> {
            CompletableFuture<Void> next = new CompletableFuture<>();
            fillWaiters.compute(hash, (h, waiting) -> {
                List<CompletableFuture<Void>> list =
                        waiting == null ? new ArrayList<>(2) : waiting;
                list.add(next);
                return list;
            });
            return next;
        }, done -> fillWaiters.computeIfPresent(hash, (h, waiting) -> {
            waiting.remove(done);
            return waiting.isEmpty() ? null : waiting;
        }));
    }

    private static void wakeFillWaiters(List<CompletableFuture<Void>> waiting) {
        if (waiting != null) {
            waiting.forEach(w -> w.complete(null));
        }
    }

    void clear() {
        clears.incrementAndGet();
        dropAll();
    }

    /** Epoch first: a put in flight re-reads its stamp after inserting, so it takes back what it put. */
    private void dropAll() {
        epoch.incrementAndGet();
        entries.invalidateAll();
        pruneIndex();
        // a clear may stand for lost messages, a fill's end among them: its waiters look now
        for (Invalidations.KeyHash hash : fillWaiters.keySet()) {
            wakeFillWaiters(fillWaiters.remove(hash));
        }
    }

    boolean leaseHeld() {
        return lease.held();
    }

    long leaseLost() {
        return lease.lost();
    }

    long leaseRegained() {
        return lease.regained();
    }

    long clears() {
        return clears.get();
    }

    /** This near cache's probes that came back (tests use it to know probes crossed the channel). */
    long probesReturned() {
        return probesReturned.get();
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
                if (isMyProbe(m)) {
                    probeReturned(ByteBuffer.wrap(m.getExcludedId()).getLong(8));
                } else if (!invalidations.isMine(m.getExcludedId())) {
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

    private void tick() {
        try {
            checkLapse();
            probe();
            // a lease about to run out before the next tick (no probe came back lately) is ended on time
            long left = lease.nanosLeft();
            if (lease.held() && left < probeIntervalNanos) {
                PROBES.schedule(this::checkLapse, Math.max(left, 0), TimeUnit.NANOSECONDS);
            }
        } catch (RuntimeException e) {
            // never let an exception cancel the periodic probe
            log.warn("[Cache] near-cache lease probe failed: {}", e.toString());
        }
    }

    private void checkLapse() {
        if (lease.checkLapse()) {
            log.warn("[Cache] near-cache lease lapsed: no probe came back on {} within the lease; reads go to "
                    + "Redis until one does", invalidations.topic());
        }
    }

    /** Publishes a probe stamped with its send time (taken before the publish); null when it could not be sent. */
    private org.redisson.api.RFuture<Long> probe() {
        try {
            byte[] id = ByteBuffer.allocate(16).putLong(proberId).putLong(lease.now()).array();
            return topic.publishAsync(new LocalCachedMapInvalidate(id));
        } catch (RuntimeException e) {
            log.debug("[Cache] near-cache lease probe not sent: {}", e.toString());
            return null;
        }
    }

    private boolean isMyProbe(LocalCachedMapInvalidate m) {
        byte[] id = m.getExcludedId();
        return id != null && id.length == 16 && m.getKeyHashes().length == 0
                && ByteBuffer.wrap(id).getLong(0) == proberId;
    }

    private void probeReturned(long sentNanos) {
        if (lease.probeReturned(sentNanos, this::clear)) {
            log.info("[Cache] near-cache lease held on {}: near cache cleared (messages may have been missed before)",
                    invalidations.topic());
        }
        probesReturned.incrementAndGet();
        firstProbe.countDown();
    }

    private long current(Stamp stamp) {
        return stripes.get(stamp.stripe()) + epoch.get();
    }

    private static int stripe(Invalidations.KeyHash hash) {
        byte[] h = hash.bytes();
        return ((h[0] & 0xff) | (h[1] & 0xff) << 8) & (STRIPES - 1);
    }

    private static ScheduledExecutorService probeScheduler() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = Executors.defaultThreadFactory().newThread(runnable);
            thread.setName("cachesync-near-cache-lease");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    @Override
    public void close() {
        prober.cancel(false);
        topic.removeListener(messageListener, statusListener);
        dropAll();
    }
}
