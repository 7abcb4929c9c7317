package dev.cachesync.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.cachesync.cache.catalog.CatalogClient;
import dev.cachesync.cache.catalog.ProductResult;
import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.spring.QuoteApplication.Quote;
import dev.cachesync.spring.QuoteApplication.QuoteService;
import dev.cachesync.spring.cache.CachesyncSpringCache;
import dev.cachesync.spring.cache.CachesyncSpringCacheManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real Spring Boot application context with the starter on devstack's Redis: beans from {@code cachesync.*}
 * properties, {@code @Cacheable(sync = true)} single flight, tag purges seen across two contexts, metrics under
 * both name sets.
 */
@SpringBootTest(classes = QuoteApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class StarterApplicationTest {

    static final String PREFIX = StarterContexts.uniquePrefix();
    static final HttpServer catalog = catalog();

    @DynamicPropertySource
    static void cachesync(DynamicPropertyRegistry registry) {
        for (String property : StarterContexts.properties(DevStack.redis(), PREFIX,
                "cachesync.client.origin=http://127.0.0.1:" + catalog.getAddress().getPort() + "/",
                "cachesync.cache.time-to-live=5m")) {
            String[] kv = property.split("=", 2);
            registry.add(kv[0], () -> kv[1]);
        }
    }

    /** A catalog API stand-in: every product costs 42.00, cacheable, tagged as the real catalog tags it. */
    static HttpServer catalog() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/products/", exchange -> {
                String id = exchange.getRequestURI().getPath().substring("/products/".length());
                byte[] body = ("{\"id\":\"" + id + "\",\"name\":\"Boot\",\"priceCents\":4200,\"currency\":\"EUR\","
                        + "\"stock\":3,\"version\":1}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.getResponseHeaders().add("Cache-Control", "max-age=60");
                exchange.getResponseHeaders().add("Cache-Tags", "product:" + id);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopCatalog() {
        catalog.stop(0);
    }

    @Autowired
    QuoteService quotes;
    @Autowired
    CacheManager cacheManager;
    @Autowired
    CachingHttpClient cachingHttpClient;
    @Autowired
    CatalogClient catalogClient;
    @Autowired
    RedissonClient redisson;
    @Autowired
    RedisSettings redisSettings;
    @Autowired
    MeterRegistry meterRegistry;

    @BeforeEach
    void reset() {
        quotes.gate(null);
        quotes.during(null);
        quotes.calls().set(0);
    }

    @Test
    void theContextStartsFromPropertiesWithEveryBean() {
        assertThat(redisSettings.port()).isEqualTo(DevStack.redis().port());
        assertThat(redisSettings.keyPrefix()).isEqualTo(PREFIX);
        assertThat(cachingHttpClient.store().layout().prefix()).isEqualTo(PREFIX);
        assertThat(cachingHttpClient.store().redisson()).isSameAs(redisson);
        assertThat(cacheManager).isInstanceOf(CachesyncSpringCacheManager.class);
        assertThat(cacheManager.getCache("quotes")).isInstanceOf(CachesyncSpringCache.class);

        // the catalog client reads through the two tiers, origin from cachesync.client.origin
        ProductResult first = catalogClient.lookup("p-context");
        ProductResult second = catalogClient.lookup("p-context");
        assertThat(first.product()).hasValueSatisfying(p -> assertThat(p.priceCents()).isEqualTo(4200));
        assertThat(first.source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(second.source()).isEqualTo(CacheSource.LOCAL);
    }

    @Test
    void concurrentCallersOfASyncCacheableMethodRunItOnce() throws Exception {
        int callers = 8;
        CountDownLatch gate = new CountDownLatch(1);
        quotes.gate(gate);
        CachesyncSpringCache cache = (CachesyncSpringCache) cacheManager.getCache("quotes");
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Quote>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> quotes.quote("p-flight")));
            }
            // every other caller is waiting for the first one's run before it may finish
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.singleFlightFollowers() == callers - 1);
            gate.countDown();
            for (Future<Quote> result : results) {
                assertThat(result.get().computedBy()).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(quotes.calls()).hasValue(1);
        assertThat(quotes.quote("p-flight").computedBy()).isEqualTo(1); // and it is cached
    }

    @Test
    void aTagPurgeIsSeenByASecondContextSharingTheCache() throws Exception {
        quotes.prices().put("p-7", 700L);
        try (ConfigurableApplicationContext other = StarterContexts.start(DevStack.redis(), PREFIX)) {
            QuoteService otherQuotes = other.getBean(QuoteService.class);
            otherQuotes.prices().put("p-7", 700L);

            assertThat(quotes.quote("p-7").priceCents()).isEqualTo(700);
            assertThat(otherQuotes.quote("p-7").priceCents()).isEqualTo(700);
            assertThat(otherQuotes.calls()).hasValue(0); // the other instance read it from Redis
            assertThat(otherQuotes.quote("p-7").priceCents()).isEqualTo(700); // now from its near cache

            // the price changes; the invalidator (here the other context's purger) purges the product's tag
            quotes.prices().put("p-7", 750L);
            otherQuotes.prices().put("p-7", 750L);
            other.getBean(CachingHttpClient.class).purger().purgeTags(List.of("product:p-7"));

            await().atMost(Duration.ofSeconds(10)).until(() -> quotes.quote("p-7").priceCents() == 750);
            await().atMost(Duration.ofSeconds(10)).until(() -> otherQuotes.quote("p-7").priceCents() == 750);
        }
    }

    @Test
    void aPurgeWhileTheMethodRunsKeepsItsResultOutOfTheCache() throws Exception {
        TagPurger invalidator = TagPurger.create(redisson, PREFIX, new SimpleMeterRegistry());
        quotes.prices().put("p-9", 900L);
        quotes.during(() -> {
            quotes.prices().put("p-9", 950L); // the change commits after the method read the old price...
            invalidator.purgeTags(List.of("product:p-9")); // ...and its purge lands before the result is stored
        });
        assertThat(quotes.quote("p-9").priceCents()).isEqualTo(900); // this caller gets what it computed
        quotes.during(null);

        assertThat(quotes.quote("p-9").priceCents()).isEqualTo(950); // but it was not cached over the purge
        assertThat(quotes.calls()).hasValue(2);
    }

    @Test
    void aPlainCacheableStoresUnderItsTagsAndEvictAndClearPurge() {
        quotes.prices().put("p-3", 30L);
        assertThat(quotes.stock("p-3")).isEqualTo(30);
        assertThat(quotes.stock("p-3")).isEqualTo(30);
        assertThat(quotes.calls()).hasValue(1);

        quotes.prices().put("p-3", 31L);
        cachingHttpClient.purger().purgeTags(List.of("product:p-3"));
        assertThat(quotes.stock("p-3")).isEqualTo(31);
        assertThat(quotes.calls()).hasValue(2);

        cacheManager.getCache("stock").clear(); // the tag spring-cache:stock
        quotes.prices().put("p-3", 32L);
        assertThat(quotes.stock("p-3")).isEqualTo(32);

        cacheManager.getCache("stock").evict("p-3");
        quotes.prices().put("p-3", 33L);
        assertThat(quotes.stock("p-3")).isEqualTo(33);
        assertThat(quotes.calls()).hasValue(4);
    }

    @Test
    void metricsAppearUnderTheStandardNamesAndCachesyncsOwn() throws Exception {
        quotes.quote("p-m");
        quotes.quote("p-m");
        catalogClient.lookup("p-metrics");

        assertThat(meterRegistry.get("cache.gets").tags("cache", "quotes", "prefix", PREFIX, "result", "hit")
                .counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(meterRegistry.get("cache.gets").tags("cache", "quotes", "result", "miss").counter().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(meterRegistry.get("cache.puts").tags("cache", "quotes").counter().count())
                .isGreaterThanOrEqualTo(1);
        String clientCache = PREFIX.substring(0, PREFIX.length() - 1);
        assertThat(meterRegistry.get("cache.gets").tags("cache", clientCache).functionCounters()).hasSize(2);
        assertThat(meterRegistry.get("cache.size").tags("cache", clientCache).gauge().value()).isPositive();
        assertThat(meterRegistry.get("cache.evictions").tags("cache", clientCache).counter()).isNotNull();
        // cachesync's tier-specific names
        assertThat(meterRegistry.get("cache.hits").tags("prefix", PREFIX).counters()).isNotEmpty();
        assertThat(meterRegistry.get("cache.misses").tags("prefix", PREFIX).counter().count()).isPositive();
        assertThat(meterRegistry.get("cache.origin.latency").tags("prefix", PREFIX).timer().count()).isPositive();
    }
}
