package dev.cachesync.cache.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cachesync.cache.client.CachedHttpResponse;
import dev.cachesync.cache.client.CachingHttpClient;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Typed catalog reads for order services, through a {@link CachingHttpClient}:
 *
 * <pre>{@code
 * CatalogClient catalog = CatalogClient.builder().cachingClient(cachingHttpClient).build();
 * Optional<Product> p = catalog.getProduct("p-42");
 * Map<String, ProductResult> many = catalog.getProducts(List.of("p-1", "p-2", "p-404"));
 * }</pre>
 */
public final class CatalogClient implements AutoCloseable {

    private final CachingHttpClient http;
    private final ObjectMapper json;
    private final ExecutorService executor;
    private final boolean ownsExecutor;

    private CatalogClient(Builder b) {
        this.http = b.http;
        this.json = b.objectMapper != null ? b.objectMapper : new ObjectMapper().registerModule(new JavaTimeModule())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        this.ownsExecutor = b.executor == null;
        this.executor = b.executor != null ? b.executor : Executors.newFixedThreadPool(b.concurrency, r -> {
            Thread t = new Thread(r, "catalog-client");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The product, or empty when the catalog answers 404. */
    public Optional<Product> getProduct(String id) {
        ProductResult result = lookup(id);
        return switch (result.status()) {
            case FOUND -> result.product();
            case NOT_FOUND -> Optional.empty();
            case FAILED -> throw new CatalogException("product '" + id + "': " + result.error(), null);
        };
    }

    /** The product with where it came from (LOCAL, REDIS, ORIGIN, ...); never throws for one id. */
    public ProductResult lookup(String id) {
        if (id == null || id.isBlank()) {
            return ProductResult.failed(String.valueOf(id), "id must not be blank");
        }
        CachedHttpResponse response;
        try {
            response = http.get("products/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
        } catch (RuntimeException e) {
            return ProductResult.failed(id, e.getMessage());
        }
        if (response.status() == 404) {
            return ProductResult.notFound(id, response.source());
        }
        if (response.status() != 200) {
            return ProductResult.failed(id, "catalog answered HTTP " + response.status());
        }
        try {
            return ProductResult.found(id, json.readValue(response.body(), Product.class), response.source());
        } catch (IOException e) {
            return ProductResult.failed(id, "unreadable product JSON: " + e.getMessage());
        }
    }

    /** One result per distinct id, in the order given, fetched concurrently. */
    public Map<String, ProductResult> getProducts(Collection<String> ids) {
        Objects.requireNonNull(ids, "ids");
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
        List<CompletableFuture<ProductResult>> futures = new ArrayList<>();
        for (String id : distinct) {
            futures.add(CompletableFuture.supplyAsync(() -> lookup(id), executor));
        }
        Map<String, ProductResult> results = new LinkedHashMap<>();
        for (int i = 0; i < distinct.size(); i++) {
            results.put(distinct.get(i), futures.get(i).join());
        }
        return results;
    }

    /** Closes the executor if this client created it; the caching client belongs to the caller. */
    @Override
    public void close() {
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }

    public static final class Builder {
        private CachingHttpClient http;
        private ObjectMapper objectMapper;
        private ExecutorService executor;
        private int concurrency = 8;

        private Builder() {
        }

        /** The caching client whose origin is the catalog API base URI (e.g. {@code http://catalog:8080/}). */
        public Builder cachingClient(CachingHttpClient http) {
            this.http = Objects.requireNonNull(http, "cachingClient");
            return this;
        }

        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = objectMapper;
            return this;
        }

        /** Runs the concurrent lookups of getProducts; by default a pool of {@code concurrency} threads. */
        public Builder executor(ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        public Builder concurrency(int concurrency) {
            if (concurrency <= 0) {
                throw new IllegalArgumentException("concurrency must be > 0, was " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        public CatalogClient build() {
            if (http == null) {
                throw new IllegalStateException("cachingClient is required");
            }
            return new CatalogClient(this);
        }
    }
}
