package dev.cachesync.demo.scenarios;

import dev.cachesync.cache.tags.CatalogTags;
import dev.cachesync.demo.orders.CachesyncOrderService;
import dev.cachesync.demo.orders.ProductRead;
import dev.cachesync.demo.stack.DelayingProxy;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The guide's Test 3: ten orders at once, on ten instances, for one product that was just purged. One instance
 * asks the catalog; the others wait for its fill (the cross-instance fill lock) and read it from Redis.
 */
public final class StampedeScenario {

    /**
     * @param purgedEntries entries the purge removed
     * @param nearCachesEmptied how long after the purge returned every instance's near cache had dropped the entry
     *                      (Redisson's invalidation message, by Redis pub/sub)
     * @param reads         the concurrent reads, one per instance
     * @param catalogCalls  requests that reached the catalog API for this product during the concurrent reads
     */
    public record Result(String productId, int purgedEntries, Duration nearCachesEmptied, List<Read> reads,
                         long catalogCalls) {

        public Map<String, Long> sources() {
            return reads.stream().collect(Collectors.groupingBy(r -> r.read().source(), TreeMap::new,
                    Collectors.counting()));
        }

        public long hits() {
            return reads.stream().filter(r -> r.read().cacheHit()).count();
        }

        public void printTo(PrintStream out) {
            out.println("3. Ten concurrent orders on ten instances, one product, right after a purge   (guide: Test 3)");
            out.printf("   all %d instances had /products/%s in their near cache; purged tag product:%s (%d entr%s"
                            + " removed in Redis); every near cache had dropped it %.2f ms later%n", reads.size(),
                    productId, productId, purgedEntries, purgedEntries == 1 ? "y" : "ies",
                    nearCachesEmptied.toNanos() / 1e6);
            for (Read r : reads) {
                out.printf("   %-9s %-4s %-32s %8.2f ms%n", r.instance(), r.read().cacheHit() ? "HIT" : "MISS",
                        "(" + SourceNames.describe(r.read().source()) + ")", r.read().latencyMillis());
            }
            out.printf("   catalog API requests for /products/%s: %d; MISS: %d, HIT: %d   %s%n", productId, catalogCalls,
                    reads.size() - hits(), hits(), sources());
        }
    }

    /** A read on a named instance. */
    public record Read(String instance, ProductRead read) {
    }

    private StampedeScenario() {
    }

    public static Result run(List<CachesyncOrderService> instances, DelayingProxy proxy, String productId)
            throws InterruptedException {
        for (CachesyncOrderService instance : instances) {
            instance.read(productId); // in every near cache, so the purge has something to invalidate everywhere
        }
        CachesyncOrderService first = instances.get(0);
        int purged = first.client().purger().purgeTags(List.of(CatalogTags.product(productId))).entriesRemoved();
        long purgedAt = System.nanoTime();
        awaitNearCachesEmpty(instances, productId);
        Duration emptied = Duration.ofNanos(System.nanoTime() - purgedAt);

        String path = "/products/" + productId;
        long callsBefore = proxy.requests(path);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(instances.size());
        try {
            List<Future<Read>> futures = new ArrayList<>();
            for (CachesyncOrderService instance : instances) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return new Read(instance.name(), instance.read(productId));
                }));
            }
            go.countDown(); // all ten at once
            List<Read> reads = new ArrayList<>();
            for (Future<Read> f : futures) {
                reads.add(f.get());
            }
            return new Result(productId, purged, emptied, reads, proxy.requests(path) - callsBefore);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a concurrent read failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Redisson tells near caches of a purge by pub/sub: wait (briefly) until every instance has heard. */
    private static void awaitNearCachesEmpty(List<CachesyncOrderService> instances, String productId) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (instances.stream().anyMatch(i -> i.nearCacheHolds(productId))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a near cache still holds " + productId + " 5 s after its purge");
            }
            LockSupport.parkNanos(100_000); // polling in-process state: 0.1 ms resolution for the figure above
        }
    }
}
