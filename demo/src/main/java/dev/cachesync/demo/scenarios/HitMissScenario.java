package dev.cachesync.demo.scenarios;

import dev.cachesync.demo.orders.CachesyncOrderService;
import dev.cachesync.demo.orders.ProductRead;
import dev.cachesync.demo.stack.DelayingProxy;
import java.io.PrintStream;

/**
 * The guide's Test 1: the first request is a MISS (the catalog API answers), the second a HIT; and a HIT from
 * another instance too (shared Redis), which the per-instance cache of the guide could not give.
 */
public final class HitMissScenario {

    /** The three reads and how many of them reached the catalog API. */
    public record Result(String productId, Read first, Read second, Read otherInstance, long catalogCalls) {
        public void printTo(PrintStream out) {
            out.println("1. Cache MISS, then HIT, then a HIT on another instance   (guide: Test 1)");
            out.printf("   %s%n", first.line("first request "));
            out.printf("   %s%n", second.line("second request"));
            out.printf("   %s%n", otherInstance.line("other instance"));
            out.printf("   catalog API calls: %d%n", catalogCalls);
        }
    }

    /** A read on a named instance. */
    public record Read(String instance, ProductRead read) {
        String line(String label) {
            String verdict = read.cacheHit() ? "HIT " : "MISS";
            return String.format("%s  %-8s GET /products/%s  %s  %-24s %8.2f ms", label, instance, read.productId(),
                    verdict, "(" + SourceNames.describe(read.source()) + ")", read.latencyMillis());
        }
    }

    private HitMissScenario() {
    }

    public static Result run(CachesyncOrderService a, CachesyncOrderService b, DelayingProxy proxy, String productId) {
        long callsBefore = proxy.requests();
        Read first = new Read(a.name(), a.read(productId));
        Read second = new Read(a.name(), a.read(productId));
        Read other = new Read(b.name(), b.read(productId));
        return new Result(productId, first, second, other, proxy.requests() - callsBefore);
    }
}
