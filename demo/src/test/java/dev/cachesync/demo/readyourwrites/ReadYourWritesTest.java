package dev.cachesync.demo.readyourwrites;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachesync.cache.catalog.CatalogClient;
import dev.cachesync.cache.catalog.Product;
import dev.cachesync.demo.orders.CachesyncOrderService;
import dev.cachesync.demo.orders.ProductRead;
import dev.cachesync.demo.stack.DemoStack;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Read-your-writes on the real stack (devstack Kafka, registry and Redis; the real catalog service, invalidator and
 * cache clients): a write with {@code Prefer: wait-for-invalidation} returns only once the invalidator applied it,
 * so another instance's next read, near cache and all, sees it; with the invalidator stopped the write says its
 * invalidation is unconfirmed, and {@link CatalogClient#getProduct(String, long)} still reads the write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadYourWritesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private DemoStack stack;
    private CachesyncOrderService writerSide;
    private CachesyncOrderService readerSide;
    /**
     * Product ids of this run only: the JVM's other stacks wrote prod-001... with higher versions to the same topic,
     * and this stack's invalidator, reading it from the start, would take this catalog's versions for old ones.
     */
    private final String run = "ryw-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start() throws Exception {
        String prefix = run + ":";
        stack = new DemoStack(new DemoStack.Settings(DemoStack.Infrastructure.SHARED, prefix, 0, 2, 2,
                Duration.ZERO, "public, max-age=5, s-maxage=86400")).start((what, result, took) -> { });
        writerSide = new CachesyncOrderService("writer-side", stack.redis().uri(), prefix, stack.catalogUri());
        readerSide = new CachesyncOrderService("reader-side", stack.redis().uri(), prefix, stack.catalogUri());
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.catalog().confirmsInvalidations());
        for (int n = 1; n <= 3; n++) {
            HttpResponse<String> created = send("PUT", product(n), "{\"name\": \"Mug " + n + "\", \"priceCents\": 900,"
                    + " \"stock\": 5, \"categorySlug\": \"kitchen\"}", null);
            assertThat(created.statusCode()).isEqualTo(201);
        }
    }

    private String product(int n) {
        return run + "-" + n;
    }

    @AfterAll
    void stop() {
        for (AutoCloseable part : new AutoCloseable[] {writerSide, readerSide, stack}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                System.err.println("stopping " + part + ": " + e);
            }
        }
    }

    @Test
    @Order(1)
    void aWriteThatWaitsForInvalidationIsSeenByAnotherInstanceAtOnce() throws Exception {
        String id = product(1);
        ProductRead before = cachedOnTheReaderSide(id);

        HttpResponse<String> write = patchPrice(id, 1234, "wait-for-invalidation");

        assertThat(write.statusCode()).isEqualTo(200);
        assertThat(write.headers().firstValue("Preference-Applied")).hasValue("wait-for-invalidation");
        assertThat(write.headers().firstValue("Cachesync-Invalidation")).hasValue("confirmed");
        long written = JSON.readTree(write.body()).get("version").asLong();
        assertThat(written).isGreaterThan(before.version());
        // No waiting here: the write's answer promised the purge, near caches included, had been applied.
        ProductRead after = readerSide.read(id);
        assertThat(after.version()).isEqualTo(written);
        assertThat(after.priceCents()).isEqualTo(1234);
        assertThat(waits("confirmed").count()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aWriteWithoutThePreferenceIsAnsweredAsBefore() throws Exception {
        HttpResponse<String> write = patchPrice(product(2), 2345, null);

        assertThat(write.statusCode()).isEqualTo(200);
        assertThat(write.headers().firstValue("Preference-Applied")).isEmpty();
        assertThat(write.headers().firstValue("Cachesync-Invalidation")).isEmpty();
    }

    @Test
    @Order(3)
    void withTheInvalidatorStoppedTheWaitEndsUnconfirmedAndTheClientStillReadsItsWrite() throws Exception {
        String id = product(3);
        ProductRead before = cachedOnTheReaderSide(id);
        stack.invalidator().close();

        HttpResponse<String> write = patchPrice(id, 3456, "wait-for-invalidation, wait=1");

        assertThat(write.statusCode()).isEqualTo(200);
        assertThat(write.headers().firstValue("Preference-Applied")).isEmpty();
        assertThat(write.headers().firstValue("Cachesync-Invalidation")).hasValue("unconfirmed");
        JsonNode body = JSON.readTree(write.body());
        long written = body.get("version").asLong();
        assertThat(written).isGreaterThan(before.version());
        assertThat(body.get("priceCents").asLong()).isEqualTo(3456); // committed all the same
        assertThat(waits("timed_out").count()).isEqualTo(1);

        // Nothing purged the reader's copy: a plain read still answers the old version from its near cache ...
        assertThat(readerSide.read(id).version()).isEqualTo(before.version());
        // ... and asking for at least the written version gets it from the catalog, and refreshes the shared cache.
        try (CatalogClient catalog = CatalogClient.builder().cachingClient(readerSide.client()).build()) {
            Optional<Product> mine = catalog.getProduct(id, written);
            assertThat(mine).get().extracting(Product::version, Product::priceCents).containsExactly(written, 3456L);
        }
        try (CatalogClient catalog = CatalogClient.builder().cachingClient(writerSide.client()).build()) {
            assertThat(catalog.lookup(id).productOrNull().version()).isEqualTo(written);
        }
    }

    /** Reads {@code id} on the reader side until its near cache holds it, so a stale copy would be served. */
    private ProductRead cachedOnTheReaderSide(String id) {
        ProductRead first = readerSide.read(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            readerSide.read(id);
            return readerSide.nearCacheHolds(id);
        });
        assertThat(readerSide.read(id).source()).isEqualTo("LOCAL");
        return first;
    }

    private HttpResponse<String> patchPrice(String id, long priceCents, String prefer) throws Exception {
        return send("PATCH", id, "{\"priceCents\": " + priceCents + "}", prefer);
    }

    private HttpResponse<String> send(String method, String id, String body, String prefer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.catalogUri() + "products/" + id))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + stack.catalogAdminKey())
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (prefer != null) {
            request.header("Prefer", prefer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Timer waits(String result) {
        return stack.catalog().meters().get("catalog.invalidation.wait").tag("result", result).timer();
    }
}
