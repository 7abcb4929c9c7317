package dev.cachesync.cache.purge;

import java.util.List;
import java.util.Set;

/**
 * What a purge did, after Redis acknowledged it.
 *
 * @param sequence   the purge's global sequence number (fences of its tags and keys were raised to it)
 * @param tags       the tags purged
 * @param keysPurged how many entries existed and were removed
 * @param purgedKeys every entry key the purge targeted (members of the tags' sets plus the explicit keys)
 */
public record PurgeResult(long sequence, Set<String> tags, int keysPurged, List<String> purgedKeys) {

    public PurgeResult {
        tags = Set.copyOf(tags);
        purgedKeys = List.copyOf(purgedKeys);
    }
}
