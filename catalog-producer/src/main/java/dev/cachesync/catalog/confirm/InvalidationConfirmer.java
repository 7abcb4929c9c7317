package dev.cachesync.catalog.confirm;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Tells when the invalidator has applied a catalog change: what a write with {@code Prefer: wait-for-invalidation}
 * waits for before it answers.
 */
public interface InvalidationConfirmer extends AutoCloseable {

    /**
     * Completes with true once an {@code InvalidationApplied} record names {@code eventId} among its source events,
     * or with false after {@code timeout}; never exceptionally.
     */
    CompletableFuture<Boolean> await(String eventId, Duration timeout);

    @Override
    void close();
}
