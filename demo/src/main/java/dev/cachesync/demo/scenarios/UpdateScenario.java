package dev.cachesync.demo.scenarios;

import dev.cachesync.demo.orders.CachesyncOrderService;
import dev.cachesync.demo.orders.ProductRead;
import dev.cachesync.demo.stack.CatalogAdmin;
import dev.cachesync.demo.stack.DelayingProxy;
import dev.cachesync.demo.stack.InvalidationWatcher;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The guide's Test 2: a product update through the catalog API becomes an event, the invalidator purges the
 * product's tags (an {@code InvalidationApplied} record says when and with what lag), and the next read on every
 * instance misses its near cache and returns the fresh data.
 */
public final class UpdateScenario {

    /**
     * @param before          each instance's read before the update (all cached)
     * @param update          the catalog's acknowledgement of the PATCH
     * @param applied         the purge that applied the change
     * @param ackToAppliedObserved from the PATCH response to the demo seeing the InvalidationApplied record
     * @param after           each instance's next read after the purge
     */
    public record Result(String productId, List<Read> before, CatalogAdmin.Acknowledged update,
                         InvalidationWatcher.Applied applied, Duration ackToAppliedObserved, List<Read> after,
                         long catalogCallsAfter) {

        /** Every instance read the new version (and price) after the purge. */
        public boolean freshEverywhere() {
            return after.stream().allMatch(r -> r.read().version() == update.version()
                    && r.read().priceCents() == update.priceCents());
        }

        /** No instance answered the read after the purge from its own near cache. */
        public boolean missedEveryNearCache() {
            return after.stream().noneMatch(r -> r.read().source().equals("LOCAL"));
        }

        public void printTo(PrintStream out) {
            ProductRead old = before.get(0).read();
            out.println("2. Product update -> invalidation -> fresh data on every instance   (guide: Test 2)");
            out.printf("   before: %d instances read /products/%s at %s EUR (version %d), %d of them from a cache%n",
                    before.size(), productId, old.price(), old.version(),
                    before.stream().filter(r -> r.read().cacheHit()).count());
            out.printf("   PATCH /products/%s {\"priceCents\": %d} -> %d, version %d   (%.1f ms, straight to the catalog)%n",
                    productId, update.priceCents(), update.status(), update.version(), update.took().toNanos() / 1e6);
            out.printf("   InvalidationApplied: tags %s, %d entr%s purged, lag %d ms (commit -> purged in Redis);"
                            + " seen %d ms after the PATCH returned%n",
                    applied.record().getTags(), applied.record().getKeysPurged(),
                    applied.record().getKeysPurged() == 1 ? "y" : "ies", applied.lagMillis(),
                    ackToAppliedObserved.toMillis());
            for (Read r : after) {
                ProductRead read = r.read();
                out.printf("   %-8s next read: %-4s %-32s %s EUR, version %d  %s%n", r.instance(),
                        read.cacheHit() ? "HIT" : "MISS", "(" + SourceNames.describe(read.source()) + ")", read.price(),
                        read.version(), read.version() == update.version() ? "fresh" : "OLD VERSION");
            }
            out.printf("   catalog API calls for these %d reads: %d; fresh data on every instance: %s%n",
                    after.size(), catalogCallsAfter, freshEverywhere() ? "yes" : "NO");
        }
    }

    /** A read on a named instance. */
    public record Read(String instance, ProductRead read) {
    }

    private UpdateScenario() {
    }

    public static Result run(List<CachesyncOrderService> instances, CatalogAdmin admin, InvalidationWatcher watcher,
                             DelayingProxy proxy, String productId) throws InterruptedException {
        List<Read> before = readEverywhere(instances, productId);
        long oldPrice = before.get(0).read().priceCents();
        long newPrice = oldPrice == 3999 ? 4999 : 3999; // the guide's new price: 39.99
        CatalogAdmin.Acknowledged update = admin.changePrice(productId, newPrice);
        InvalidationWatcher.Applied applied = watcher.awaitApplied(productId, update.version(), Duration.ofSeconds(30))
                .orElseThrow(() -> new IllegalStateException("no InvalidationApplied for " + productId + " version "
                        + update.version() + " within 30 s: is the invalidator running?"));
        Duration observed = Duration.ofNanos(System.nanoTime() - update.ackNanos());
        long callsBefore = proxy.requests();
        List<Read> after = readEverywhere(instances, productId);
        return new Result(productId, before, update, applied, observed, after, proxy.requests() - callsBefore);
    }

    private static List<Read> readEverywhere(List<CachesyncOrderService> instances, String productId) {
        List<Read> reads = new ArrayList<>();
        for (CachesyncOrderService instance : instances) {
            reads.add(new Read(instance.name(), instance.read(productId)));
        }
        return reads;
    }
}
