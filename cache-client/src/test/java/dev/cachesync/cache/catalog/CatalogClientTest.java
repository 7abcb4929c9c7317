package dev.cachesync.cache.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachesync.cache.TestOrigin;
import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.catalog.ProductResult.Status;
import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.devstack.DevStack;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

class CatalogClientTest {

    RedissonClient redisson;
    TestOrigin origin;
    CachingHttpClient http;
    CatalogClient catalog;

    static String productJson(String id, long version) {
        return """
                {"id":"%s","name":"Shoe %s","description":null,"priceCents":1999,"currency":"EUR","stock":3,
                 "categorySlug":"shoes","brandSlug":"acme","version":%d,"updatedAt":"2026-01-02T03:04:05Z",
                 "addedLater":{"x":1}}""".formatted(id, id, version);
    }

    @BeforeEach
    void start() {
        redisson = TestRedis.client(DevStack.redis());
        origin = TestOrigin.start();
        origin.route("/products/p1", r -> Reply.ok(productJson("p1", 4), "Cache-Control", "max-age=60",
                "Cache-Tags", "product:p1, category:shoes"));
        origin.route("/products/p2", r -> Reply.ok(productJson("p2", 1), "Cache-Control", "max-age=60"));
        origin.route("/products/gone", r -> new Reply(404, Map.of("Cache-Control", "max-age=60"), "{}"));
        origin.route("/products/broken", r -> new Reply(500, Map.of(), "oops"));
        String base = origin.uri().toString();
        http = CachingHttpClient.builder().redisson(redisson).keyPrefix(TestRedis.uniquePrefix("catalog"))
                .origin(URI.create(base.substring(0, base.length() - 1))) // no trailing slash on purpose
                .sweepInterval(Duration.ZERO).build();
        catalog = CatalogClient.builder().cachingClient(http).concurrency(4).build();
    }

    @AfterEach
    void stop() {
        catalog.close();
        http.close();
        origin.close();
        redisson.shutdown();
    }

    @Test
    void getProductIsTypedAndCached() {
        Product p1 = catalog.getProduct("p1").orElseThrow();
        assertThat(p1).isEqualTo(new Product("p1", "Shoe p1", null, 1999, "EUR", 3, "shoes", "acme", 4,
                Instant.parse("2026-01-02T03:04:05Z")));
        assertThat(catalog.lookup("p1").source()).isEqualTo(CacheSource.LOCAL);
        assertThat(origin.hits("/products/p1")).isEqualTo(1);
    }

    @Test
    void atLeastAVersionSkipsAnOlderCachedCopyAndRefreshesTheCache() {
        java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong(1);
        origin.route("/products/mine", r -> Reply.ok(productJson("mine", version.get()), "Cache-Control",
                "max-age=600", "ETag", "\"v" + version.get() + "\""));
        assertThat(catalog.getProduct("mine").orElseThrow().version()).isEqualTo(1);
        version.set(2); // written, and not purged (yet)

        assertThat(catalog.lookup("mine").productOrNull().version()).as("the cached copy").isEqualTo(1);
        assertThat(catalog.getProduct("mine", 2).orElseThrow().version()).isEqualTo(2);
        assertThat(catalog.lookup("mine").productOrNull().version()).as("the cache was refreshed").isEqualTo(2);
        int asked = origin.hits("/products/mine");
        assertThat(catalog.getProduct("mine", 2).orElseThrow().version()).isEqualTo(2);
        assertThat(origin.hits("/products/mine")).as("a cached copy that is new enough is used").isEqualTo(asked);
    }

    @Test
    void atLeastAVersionTheCatalogNeverAnswersFailsAfterTheWait() {
        CatalogClient impatient = CatalogClient.builder().cachingClient(http).versionWait(Duration.ofMillis(50))
                .build();
        try {
            ProductResult result = impatient.lookup("p2", 7);
            assertThat(result.status()).isEqualTo(Status.FAILED);
            assertThat(result.error()).contains("version 7 not seen").contains("answered version 1");
            assertThatThrownBy(() -> impatient.getProduct("p2", 7)).isInstanceOf(CatalogException.class);
            assertThat(impatient.getProduct("gone", 3)).as("the catalog's own 404").isEmpty();
        } finally {
            impatient.close();
        }
    }

    @Test
    void missingProductIsEmptyAndAServerErrorIsAnException() {
        assertThat(catalog.getProduct("gone")).isEmpty();
        assertThatThrownBy(() -> catalog.getProduct("broken")).isInstanceOf(CatalogException.class)
                .hasMessageContaining("broken").hasMessageContaining("500");
    }

    @Test
    void getProductsGivesOneResultPerIdAndOneFailureDoesNotFailTheOthers() {
        Map<String, ProductResult> results = catalog.getProducts(List.of("p1", "gone", "p2", "broken", "p1"));

        assertThat(results.keySet()).containsExactly("p1", "gone", "p2", "broken");
        assertThat(results.get("p1").status()).isEqualTo(Status.FOUND);
        assertThat(results.get("p1").product().orElseThrow().version()).isEqualTo(4);
        assertThat(results.get("gone").status()).isEqualTo(Status.NOT_FOUND);
        assertThat(results.get("p2").product().orElseThrow().name()).isEqualTo("Shoe p2");
        assertThat(results.get("broken").status()).isEqualTo(Status.FAILED);
        assertThat(results.get("broken").error()).contains("500");

        Map<String, ProductResult> again = catalog.getProducts(List.of("p1", "p2", "gone"));
        assertThat(again.values()).allMatch(r -> r.source() == CacheSource.LOCAL);
    }
}
