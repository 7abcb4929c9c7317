package dev.cachesync.cache.client;

import dev.cachesync.cache.store.CacheStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The client's Micrometer meters (tag {@code prefix}) and their snapshot, {@link ClientStats}; Micrometer's standard
 * cache meters are derived from them ({@link StandardCacheMeters}).
 */
final class ClientMetrics {

    final Counter localHits;
    final Counter redisHits;
    final Counter staleServed;
    final Counter revalidated;
    final Counter misses;
    final Counter originErrors;
    final Counter fillsStored;
    final Counter fillsDiscarded;
    final Counter redisErrors;
    final Counter redisFaults;
    final Counter revalidationsSkipped;
    final Counter evictions;
    final Counter lockWaits;
    final Counter lockWakeUps;
    final Timer originLatency;
    /** Entries in this process's near cache, for {@code cache.size}. */
    private final LongSupplier nearCacheSize;
    /** The near cache's lease lapses, regains and clears, counted by the store. */
    private final Supplier<CacheStore.NearCacheEvents> nearCacheEvents;

    ClientMetrics(MeterRegistry registry, String prefix, LongSupplier nearCacheSize,
                  Supplier<CacheStore.NearCacheEvents> nearCacheEvents) {
        this.nearCacheSize = nearCacheSize;
        this.nearCacheEvents = nearCacheEvents;
        bindNearCacheEvents(registry, prefix);
        var standard = StandardCacheMeters.tags(StandardCacheMeters.cacheName(prefix), prefix);
        this.localHits = counter(registry, "cache.hits", "tier", "local", prefix);
        this.redisHits = counter(registry, "cache.hits", "tier", "redis", prefix);
        this.staleServed = counter(registry, "cache.hits", "tier", "stale", prefix);
        this.revalidated = counter(registry, "cache.hits", "tier", "revalidated", prefix);
        this.misses = counter(registry, "cache.misses", null, null, prefix);
        this.originErrors = counter(registry, "cache.origin.errors", null, null, prefix);
        this.fillsStored = counter(registry, "cache.fills", "outcome", "stored", prefix);
        this.fillsDiscarded = counter(registry, "cache.fills", "outcome", "fenced", prefix);
        this.redisErrors = counter(registry, "cache.redis.errors", null, null, prefix);
        this.redisFaults = counter(registry, "cache.redis.faults", null, null, prefix);
        this.revalidationsSkipped = counter(registry, "cache.revalidations.skipped", null, null, prefix);
        this.evictions = StandardCacheMeters.evictionCounter(registry, standard); // the standard meter itself
        this.lockWaits = counter(registry, "cache.fill.lock.waits", null, null, prefix);
        this.lockWakeUps = counter(registry, "cache.fill.lock.wakeups", null, null, prefix);
        this.originLatency = Timer.builder("cache.origin.latency").tag("prefix", prefix)
                .publishPercentiles(0.5, 0.99).register(registry);
        StandardCacheMeters.bindDerived(registry, standard, this);
        StandardCacheMeters.bindSize(registry, standard, this, m -> m.nearCacheSize.getAsLong());
    }

    /**
     * Counts one GET/HEAD request by where its answer came from, exactly once: a hit of its tier, or a miss
     * (origin, nothing for only-if-cached, or a failure). Background refreshes are no requests.
     */
    void served(CacheSource source) {
        switch (source) {
            case LOCAL -> localHits.increment();
            case REDIS -> redisHits.increment();
            case STALE -> staleServed.increment();
            case REVALIDATED -> revalidated.increment();
            case ORIGIN, NONE -> misses.increment();
        }
    }

    ClientStats snapshot() {
        return new ClientStats((long) localHits.count(), (long) redisHits.count(), (long) staleServed.count(),
                (long) revalidated.count(), (long) misses.count(), originLatency.count(), (long) originErrors.count(),
                (long) fillsStored.count(), (long) fillsDiscarded.count(), (long) redisErrors.count(),
                (long) evictions.count(), (long) lockWaits.count(), (long) redisFaults.count(),
                (long) revalidationsSkipped.count());
    }

    /**
     * The near cache counts its lease and clears itself; these read them at each scrape (no Redis call). They
     * hold this object weakly, as Micrometer function meters do (the client holds it).
     */
    private void bindNearCacheEvents(MeterRegistry registry, String prefix) {
        FunctionCounter.builder("cache.near.lease.lost", this, m -> m.nearCacheEvents.get().leaseLost())
                .tag("prefix", prefix)
                .description("times the near-cache lease ran out: the near cache stopped serving").register(registry);
        FunctionCounter.builder("cache.near.lease.regained", this, m -> m.nearCacheEvents.get().leaseRegained())
                .tag("prefix", prefix)
                .description("times a lease probe came back after a lapse: near cache cleared, serving again")
                .register(registry);
        FunctionCounter.builder("cache.near.cleared", this, m -> m.nearCacheEvents.get().cleared())
                .tag("prefix", prefix)
                .description("whole near-cache clears: resubscriptions, clear broadcasts, leases regained")
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String name, String tagKey, String tagValue,
                                   String prefix) {
        Counter.Builder b = Counter.builder(name).tag("prefix", prefix);
        if (tagKey != null) {
            b.tag(tagKey, tagValue);
        }
        return b.register(registry);
    }
}
