package dev.cachesync.cache.manager;

/**
 * Shared-cache figures for one key prefix.
 *
 * @param entries          entry keys stored in Redis
 * @param expiryIndexed    keys in the expiry index (entries plus keys not yet cleaned)
 * @param purgeSequence    the global purge sequence (a hybrid logical clock: at least the Redis time in µs of the last purge)
 * @param fencedTagsAndKeys tags and keys purged within the fence horizon (one fence each; older ones are pruned)
 */
public record StoreStats(long entries, long expiryIndexed, long purgeSequence, long fencedTagsAndKeys) {
}
