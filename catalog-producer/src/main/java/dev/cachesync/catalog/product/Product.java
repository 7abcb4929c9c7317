package dev.cachesync.catalog.product;

import java.time.Instant;
import java.util.Objects;

/**
 * A catalog product as stored at one version. {@code description} and {@code brandSlug} may be null.
 * Instances are only built from validated input ({@link ProductDraft}) or read back from the store.
 */
public record Product(
        String id,
        String name,
        String description,
        long priceCents,
        String currency,
        int stock,
        String categorySlug,
        String brandSlug,
        long version,
        Instant updatedAt) {

    public Product {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(categorySlug, "categorySlug");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** The editable part of this product, e.g. to compare with an incoming change. */
    public ProductDraft draft() {
        return new ProductDraft(name, description, priceCents, currency, stock, categorySlug, brandSlug);
    }
}
