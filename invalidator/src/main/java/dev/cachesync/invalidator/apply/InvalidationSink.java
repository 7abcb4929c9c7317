package dev.cachesync.invalidator.apply;

import java.util.Set;

/**
 * Where purges go. In production, Redis through cache-client's {@code TagPurger}; in topology tests, a list.
 * Returns only after the purge is acknowledged; throws when it could not be applied (the caller retries).
 */
public interface InvalidationSink {
    /** What one acknowledged purge did. */
    record Purged(long sequence, int keysPurged) {
    }

    Purged purge(Set<String> tags, Set<String> keys);

    /** True when the sink answers now (for the readiness probe). */
    boolean isAvailable();
}
