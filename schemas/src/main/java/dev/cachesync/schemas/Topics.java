package dev.cachesync.schemas;

/** Kafka topic names of cachesync. The {@code .v1} suffix changes only for a break no schema evolution can bridge. */
public final class Topics {

    /** {@link dev.cachesync.events.ProductEvent}s, key = productId. */
    public static final String PRODUCT_EVENTS = "catalog.product-events.v1";

    /** Manual purge requests ({@link dev.cachesync.events.InvalidationCommand}), key = commandId. */
    public static final String INVALIDATION_COMMANDS = "cache.invalidation-commands.v1";

    /** What each purge did ({@link dev.cachesync.events.InvalidationApplied}). */
    public static final String INVALIDATIONS_APPLIED = "cache.invalidations.v1";

    /** Records that could not be processed, kept so nothing is lost. */
    public static final String DEAD_LETTERS = "cachesync.dead-letters.v1";

    private Topics() {
    }
}
