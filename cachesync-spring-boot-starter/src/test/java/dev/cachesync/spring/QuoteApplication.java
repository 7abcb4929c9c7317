package dev.cachesync.spring;

import dev.cachesync.spring.cache.CacheTags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;

/** A small application using the starter as an order service would: an {@code @Cacheable} method with tags. */
@SpringBootApplication
@EnableCaching
public class QuoteApplication {

    public record Quote(String productId, long priceCents, int computedBy) {
    }

    /**
     * Prices from a "database" the test changes; counts how often the method really ran. (Reached through methods:
     * the bean is a proxy.)
     */
    public static class QuoteService {
        private final Map<String, Long> prices = new ConcurrentHashMap<>();
        private final AtomicInteger calls = new AtomicInteger();
        /** While set, the method waits on it (the test holds concurrent callers there). */
        private volatile CountDownLatch gate;
        /** Runs inside the method, after it read the price (a purge "while the origin is asked"). */
        private volatile Runnable during;

        public Map<String, Long> prices() {
            return prices;
        }

        public AtomicInteger calls() {
            return calls;
        }

        public void gate(CountDownLatch gate) {
            this.gate = gate;
        }

        public void during(Runnable during) {
            this.during = during;
        }

        @Cacheable(cacheNames = "quotes", sync = true)
        @CacheTags({"product:#{#productId}", "quote"})
        public Quote quote(String productId) throws InterruptedException {
            int call = calls.incrementAndGet();
            long price = prices.getOrDefault(productId, 100L);
            CountDownLatch waitFor = gate;
            if (waitFor != null && !waitFor.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
            Runnable hook = during;
            if (hook != null) {
                hook.run();
            }
            return new Quote(productId, price, call);
        }

        /** A plain @Cacheable (get, then put) with a tag. */
        @Cacheable(cacheNames = "stock")
        @CacheTags("product:#{#p0}")
        public Integer stock(String productId) {
            calls.incrementAndGet();
            return prices.getOrDefault(productId, 100L).intValue();
        }
    }

    @Bean
    QuoteService quoteService() {
        return new QuoteService();
    }
}
