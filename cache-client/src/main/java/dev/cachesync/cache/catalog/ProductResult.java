package dev.cachesync.cache.catalog;

import dev.cachesync.cache.client.CacheSource;
import java.util.Optional;

/**
 * The outcome for one id of {@link CatalogClient#getProducts}: found, not found (404), or failed (any other
 * problem, with a message). One id failing never fails the others.
 */
public record ProductResult(String id, Status status, Product productOrNull, CacheSource source, String error) {

    public enum Status { FOUND, NOT_FOUND, FAILED }

    public Optional<Product> product() {
        return Optional.ofNullable(productOrNull);
    }

    static ProductResult found(String id, Product product, CacheSource source) {
        return new ProductResult(id, Status.FOUND, product, source, null);
    }

    static ProductResult notFound(String id, CacheSource source) {
        return new ProductResult(id, Status.NOT_FOUND, null, source, null);
    }

    static ProductResult failed(String id, String error) {
        return new ProductResult(id, Status.FAILED, null, null, error);
    }
}
