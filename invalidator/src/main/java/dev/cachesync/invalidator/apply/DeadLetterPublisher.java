package dev.cachesync.invalidator.apply;

import dev.cachesync.invalidator.SourceRecord;

/**
 * Sends an invalidation whose purge can never succeed to {@code cachesync.dead-letters.v1}, unchanged, with its
 * reason. Returns only once the broker acknowledged it (the record's offset may be committed after that); throws
 * otherwise, and the caller retries.
 */
public interface DeadLetterPublisher extends AutoCloseable {
    void publish(SourceRecord source, String reason, String detail);

    @Override
    default void close() {
    }
}
