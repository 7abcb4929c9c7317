package dev.cachesync.catalog.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.catalog.confirm.InvalidationConfirmer;
import dev.cachesync.catalog.outbox.OutboxWriter;
import dev.cachesync.catalog.product.ProductStore;
import dev.cachesync.catalog.testing.TestDatabase;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How writes answer {@code Prefer: wait-for-invalidation}, with a confirmer the test controls (the Kafka one is
 * tested end to end in the demo module's ReadYourWritesTest).
 */
class WaitForInvalidationApiTest {
    private TestDatabase db;
    private Javalin app;
    private String base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Boolean> outcomes = new ConcurrentHashMap<>();
    private final List<Duration> waitsAsked = new CopyOnWriteArrayList<>();
    private volatile boolean confirmEverything = true;

    private final InvalidationConfirmer confirmer = new InvalidationConfirmer() {
        @Override
        public CompletableFuture<Boolean> await(String eventId, Duration timeout) {
            waitsAsked.add(timeout);
            outcomes.put(eventId, confirmEverything);
            return CompletableFuture.supplyAsync(() -> confirmEverything);
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() {
        db = TestDatabase.h2();
        ProductStore store = ProductStore.builder(db.dataSource()).changeSink(new OutboxWriter()).build();
        app = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        CatalogApi.builder(store).invalidationConfirmer(confirmer, Duration.ofSeconds(7)).build().addTo(app);
        app.start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() {
        app.stop();
        db.close();
    }

    @Test
    void aConfirmedWriteSaysThePreferenceWasApplied() throws Exception {
        HttpResponse<String> put = send("PUT", "/products/w1", shoe(100), "Prefer", "wait-for-invalidation, wait=3");

        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(put.headers().firstValue("Preference-Applied")).hasValue("wait-for-invalidation");
        assertThat(put.headers().firstValue(CatalogApi.INVALIDATION_HEADER)).hasValue("confirmed");
        assertThat(put.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(put.body()).contains("\"priceCents\":100");
        assertThat(waitsAsked).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void anUnconfirmedWriteIsCommittedAndSaysSo() throws Exception {
        send("PUT", "/products/w2", shoe(100));
        confirmEverything = false;

        HttpResponse<String> patch = send("PATCH", "/products/w2", "{\"priceCents\":90}", "Prefer",
                "wait-for-invalidation");

        assertThat(patch.statusCode()).isEqualTo(200);
        assertThat(patch.headers().firstValue("Preference-Applied")).isEmpty();
        assertThat(patch.headers().firstValue(CatalogApi.INVALIDATION_HEADER)).hasValue("unconfirmed");
        assertThat(waitsAsked).containsExactly(Duration.ofSeconds(7)); // the server's maximum
        assertThat(send("GET", "/products/w2", null).body()).contains("\"priceCents\":90");
    }

    @Test
    void aDeleteWaitsToo() throws Exception {
        send("PUT", "/products/w3", shoe(100));

        HttpResponse<String> delete = send("DELETE", "/products/w3", null, "Prefer", "wait-for-invalidation");

        assertThat(delete.statusCode()).isEqualTo(204);
        assertThat(delete.headers().firstValue("Preference-Applied")).hasValue("wait-for-invalidation");
        assertThat(outcomes).hasSize(1);
    }

    @Test
    void aWriteThatChangesNothingHasNothingToWaitFor() throws Exception {
        send("PUT", "/products/w4", shoe(100));

        HttpResponse<String> same = send("PATCH", "/products/w4", "{\"priceCents\":100}", "Prefer",
                "wait-for-invalidation");

        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(same.headers().firstValue("Preference-Applied")).hasValue("wait-for-invalidation");
        assertThat(same.headers().firstValue(CatalogApi.INVALIDATION_HEADER)).hasValue("no-change");
        assertThat(waitsAsked).isEmpty();
    }

    @Test
    void withoutThePreferenceNothingWaits() throws Exception {
        HttpResponse<String> put = send("PUT", "/products/w5", shoe(100));

        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(put.headers().firstValue("Preference-Applied")).isEmpty();
        assertThat(put.headers().firstValue(CatalogApi.INVALIDATION_HEADER)).isEmpty();
        assertThat(waitsAsked).isEmpty();
    }

    private static String shoe(long price) {
        return "{\"name\":\"Trail shoe\",\"priceCents\":" + price + ",\"stock\":3,\"categorySlug\":\"shoes\"}";
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
