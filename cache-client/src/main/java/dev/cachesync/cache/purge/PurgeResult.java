package dev.cachesync.cache.purge;

import java.util.List;
import java.util.Set;

/**
 * What a purge did, after Redis acknowledged it.
 *
 * @param sequence       the purge's global sequence number (fences of its tags and keys were raised to it)
 * @param tags           the tags purged
 * @param entriesRemoved how many cache entries existed and were removed (an entry holds every variant of one URL)
 * @param targetedKeys   every entry key the purge targeted (members of the tags' sets plus the explicit keys),
 *                       whether an entry existed under it or not
 */
public record PurgeResult(long sequence, Set<String> tags, int entriesRemoved, List<String> targetedKeys) {

    public PurgeResult {
        tags = Set.copyOf(tags);
        targetedKeys = List.copyOf(targetedKeys);
    }

    /** @deprecated a count of entries, not keys: use {@link #entriesRemoved()}. */
    @Deprecated
    public int keysPurged() {
        return entriesRemoved;
    }

    /** @deprecated use {@link #targetedKeys()}. */
    @Deprecated
    public List<String> purgedKeys() {
        return targetedKeys;
    }
}
