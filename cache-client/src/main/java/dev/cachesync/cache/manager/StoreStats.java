package dev.cachesync.cache.manager;

/**
 * Shared-cache figures for one key prefix.
 *
 * @param entries          entry keys stored in Redis
 * @param expiryIndexed    keys in the expiry index (entries plus keys not yet cleaned)
 * @param purgeSequence    purges run so far (the global sequence)
 * @param fencedTagsAndKeys tags and keys ever purged (one fence each)
 */
public record StoreStats(long entries, long expiryIndexed, long purgeSequence, long fencedTagsAndKeys) {
}
