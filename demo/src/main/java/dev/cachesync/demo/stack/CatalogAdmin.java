package dev.cachesync.demo.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes to the catalog API directly (not through the delaying proxy: these are the catalog team's edits, not
 * order-service reads) and remembers the latest acknowledged version of every product it wrote. Authenticates
 * with an API key that has the write scope.
 */
public final class CatalogAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI catalog;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Long> latestVersions = new ConcurrentHashMap<>();

    /**
     * A write the catalog acknowledged.
     *
     * @param ackNanos {@link System#nanoTime()} when the 2xx response arrived: the change is committed then
     */
    public record Acknowledged(String productId, long version, long priceCents, int status, long ackNanos,
                               Duration took) {
    }

    public CatalogAdmin(URI catalog, String apiKey) {
        this.catalog = catalog;
        this.apiKey = apiKey;
    }

    public URI uri() {
        return catalog;
    }

    /** PUT /products/{id}: creates or replaces the product. */
    public Acknowledged put(String productId, Map<String, Object> fields) {
        return send("PUT", productId, fields);
    }

    /** PATCH /products/{id} {"priceCents": ...}: the guide's "update product in Catalog". */
    public Acknowledged changePrice(String productId, long priceCents) {
        return send("PATCH", productId, Map.of("priceCents", priceCents));
    }

    /** Latest version of every product written through this admin, as acknowledged by the catalog. */
    public Map<String, Long> latestVersions() {
        return Map.copyOf(latestVersions);
    }

    private Acknowledged send(String method, String productId, Map<String, Object> fields) {
        long started = System.nanoTime();
        try {
            HttpRequest request = HttpRequest.newBuilder(catalog.resolve("/products/" + productId))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + apiKey)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(fields)))
                    .build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long acked = System.nanoTime();
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " /products/" + productId + " answered "
                        + response.statusCode() + ": " + new String(response.body()));
            }
            JsonNode product = JSON.readTree(response.body());
            long version = product.path("version").asLong();
            latestVersions.merge(productId, version, Math::max);
            return new Acknowledged(productId, version, product.path("priceCents").asLong(), response.statusCode(),
                    acked, Duration.ofNanos(acked - started));
        } catch (IOException e) {
            throw new IllegalStateException(method + " /products/" + productId + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " /products/" + productId, e);
        }
    }
}
