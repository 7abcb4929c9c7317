package dev.cachesync.cache.client;

/**
 * A snapshot of one client's counters (since it was built). {@code redisErrors} counts failures that made the
 * client skip Redis (unreachable, timed out); {@code redisFaults} faults of one operation (an undecodable entry,
 * a refused command or script, an interrupt) that cost that request alone a miss.
 */
public record ClientStats(
        long localHits,
        long redisHits,
        long staleServed,
        long revalidated,
        long misses,
        long originRequests,
        long originErrors,
        long fillsStored,
        long fillsDiscardedByFence,
        long redisErrors,
        long evictions,
        long fillLockWaits,
        long redisFaults,
        long revalidationsSkipped) {

    /** Share of GET/HEAD requests answered without a full origin response (local, Redis, stale, 304). */
    public double hitRatio() {
        long hits = localHits + redisHits + staleServed + revalidated;
        long total = hits + misses;
        return total == 0 ? 0 : (double) hits / total;
    }
}
