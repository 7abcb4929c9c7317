package dev.cachesync.cache.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cachesync.cache.client.CachedHttpResponse;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.http.Headers;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import java.util.concurrent.locks.LockSupport;

/**
 * Typed catalog reads for order services, through a {@link CachingHttpClient}:
 *
 * <pre>{@code
 * CatalogClient catalog = CatalogClient.builder().cachingClient(cachingHttpClient).build();
 * Optional<Product> p = catalog.getProduct("p-42");
 * Map<String, ProductResult> many = catalog.getProducts(List.of("p-1", "p-2", "p-404"));
 * Optional<Product> mine = catalog.getProduct("p-42", versionMyWriteReturned); // read your own write
 * }</pre>
 */
public final class CatalogClient implements AutoCloseable {

    private final CachingHttpClient http;
    private final ObjectMapper json;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final Duration versionWait;

    private CatalogClient(Builder b) {
        this.http = b.http;
        this.json = b.objectMapper != null ? b.objectMapper : new ObjectMapper().registerModule(new JavaTimeModule())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        this.ownsExecutor = b.executor == null;
        this.versionWait = b.versionWait;
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

    /**
     * The product at {@code atLeastVersion} or newer, e.g. the version a write of this service returned: read your
     * own write although the invalidator may not have purged the older copies yet. A cached copy that is older is
     * skipped: the catalog is asked ({@code Cache-Control: no-cache}, which also refreshes the shared cache) until
     * it answers that version, for at most {@code versionWait} (builder, default 2 s). Empty when the catalog
     * answers 404 (a delete advances the version too).
     *
     * @throws CatalogException when the catalog fails, or still answers an older version after the wait
     */
    public Optional<Product> getProduct(String id, long atLeastVersion) {
        ProductResult result = lookup(id, atLeastVersion);
        return switch (result.status()) {
            case FOUND -> result.product();
            case NOT_FOUND -> Optional.empty();
            case FAILED -> throw new CatalogException("product '" + id + "': " + result.error(), null);
        };
    }

    /**
     * {@link #getProduct(String, long)} with where the answer came from; FAILED when the version was not seen
     * within {@code versionWait}. A cached 404 is not trusted; one the catalog answers to no-cache is returned.
     */
    public ProductResult lookup(String id, long atLeastVersion) {
        ProductResult result = lookup(id);
        if (atLeast(result, atLeastVersion)) {
            return result; // the cache already holds it: the common case once the purge went through
        }
        long deadline = System.nanoTime() + versionWait.toNanos();
        long pause = Duration.ofMillis(5).toNanos();
        while (true) {
            // no-cache: every tier revalidates with the catalog, and the answer replaces what they hold.
            result = lookup(id, Headers.of("Cache-Control", "no-cache"));
            // A 404 asked with no-cache is the catalog's own answer: the product is gone (or not there yet).
            if (result.status() != ProductResult.Status.FOUND || atLeast(result, atLeastVersion)) {
                return result;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return ProductResult.failed(id, "version " + atLeastVersion + " not seen within " + versionWait
                        + "; the catalog answered version " + result.productOrNull().version());
            }
            // An older answer from the catalog itself: a replica behind, or a fill that started before the write.
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, Duration.ofMillis(200).toNanos());
        }
    }

    private static boolean atLeast(ProductResult result, long version) {
        return result.status() == ProductResult.Status.FOUND && result.productOrNull().version() >= version;
    }

    /** The product with where it came from (LOCAL, REDIS, ORIGIN, ...); never throws for one id. */
    public ProductResult lookup(String id) {
        return lookup(id, Headers.EMPTY);
    }

    private ProductResult lookup(String id, Headers headers) {
        if (id == null || id.isBlank()) {
            return ProductResult.failed(String.valueOf(id), "id must not be blank");
        }
        CachedHttpResponse response;
        try {
            response = http.get("products/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"),
                    headers);
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
        private Duration versionWait = Duration.ofSeconds(2);

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

        /** How long {@link #getProduct(String, long)} keeps asking the catalog for the version it wants. */
        public Builder versionWait(Duration wait) {
            if (wait == null || wait.isNegative()) {
                throw new IllegalArgumentException("versionWait must be >= 0, was " + wait);
            }
            this.versionWait = wait;
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
