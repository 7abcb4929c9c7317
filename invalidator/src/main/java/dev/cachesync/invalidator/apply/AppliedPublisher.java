package dev.cachesync.invalidator.apply;

import dev.cachesync.events.InvalidationApplied;

/** Announces each applied purge (to {@code cache.invalidations.v1} in production). */
public interface AppliedPublisher extends AutoCloseable {
    void publish(InvalidationApplied applied);

    @Override
    default void close() {
    }
}
