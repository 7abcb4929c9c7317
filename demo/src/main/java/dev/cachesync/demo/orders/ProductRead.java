package dev.cachesync.demo.orders;

/**
 * One product read by an order service, as measured by the demo.
 *
 * @param source       where the answer came from: LOCAL, REDIS, STALE, ORIGIN, REVALIDATED (cachesync) or
 *                     MEMORY, ORIGIN (the per-instance in-memory cache)
 * @param cacheHit     answered from a cache, without this read waiting on the catalog API
 * @param startedNanos {@link System#nanoTime()} when the read started
 * @param latencyNanos how long the read took
 */
public record ProductRead(String productId, int status, long version, long priceCents, String source,
                          boolean cacheHit, long startedNanos, long latencyNanos) {

    public double latencyMillis() {
        return latencyNanos / 1_000_000.0;
    }

    /** The price as the guide prints it, e.g. {@code 39.99}. */
    public String price() {
        return String.format("%d.%02d", priceCents / 100, priceCents % 100);
    }
}
